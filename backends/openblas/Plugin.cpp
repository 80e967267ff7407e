#include "backends/common/ParallelBlocks.h"
#include "backends/openblas/OpenBlasBackend.h"
#include "plugins/PluginApi.h"

namespace {
void registerOpenBlas(tunelab::Registrar& registrar) {
  tunelab::keepOpenMpLoaded();
  registrar.addBackend("openblas", [] { return std::make_unique<tunelab::OpenBlasBackend>(); });
}
}  // namespace

TUNELAB_PLUGIN("tunelab-openblas", TUNELAB_VERSION_STRING, registerOpenBlas)
