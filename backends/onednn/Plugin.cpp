#include "backends/onednn/OneDnnBackend.h"
#include "plugins/PluginApi.h"

namespace {
void registerOneDnn(tunelab::Registrar& registrar) {
  registrar.addBackend("onednn", [] { return std::make_unique<tunelab::OneDnnBackend>(); });
}
}  // namespace

TUNELAB_PLUGIN("tunelab-onednn", TUNELAB_VERSION_STRING, registerOneDnn)
