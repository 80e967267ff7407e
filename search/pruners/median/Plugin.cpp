#include "plugins/PluginApi.h"
#include "search/pruners/median/MedianPruner.h"

namespace {
void registerMedian(tunelab::Registrar& registrar) {
  registrar.addPruner("median", [](const tunelab::PrunerContext& context) {
    return std::make_unique<tunelab::MedianPruner>(context);
  });
}
}  // namespace

TUNELAB_PLUGIN("tunelab-median", TUNELAB_VERSION_STRING, registerMedian)
