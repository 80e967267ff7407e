#include "backends/common/ParallelBlocks.h"
#include "backends/onednn/OneDnnBackend.h"
#include "plugins/PluginApi.h"

namespace {
void registerOneDnn(tunelab::Registrar& registrar) {
  tunelab::keepOpenMpLoaded();
  registrar.addBackend("onednn", [] { return std::make_unique<tunelab::OneDnnBackend>(); });
}
}  // namespace

TUNELAB_PLUGIN("tunelab-onednn", TUNELAB_VERSION_STRING, registerOneDnn)
