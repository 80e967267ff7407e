// The plugin's one entry point: registers the pruner "percentile".
#include "PercentilePruner.h"
#include "plugins/PluginApi.h"

namespace {

void registerAll(tunelab::Registrar& registrar) {
  registrar.addPruner("percentile", [](const tunelab::PrunerContext& context) {
    return std::make_unique<example::PercentilePruner>(context);
  });
}

}  // namespace

TUNELAB_PLUGIN("percentile-pruner", "1.0", registerAll)
