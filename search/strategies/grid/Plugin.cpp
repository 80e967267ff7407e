#include "plugins/PluginApi.h"
#include "search/strategies/grid/GridStrategy.h"

namespace {
void registerGrid(tunelab::Registrar& registrar) {
  registrar.addStrategy("grid", [](const tunelab::StrategyContext& context) {
    return std::make_unique<tunelab::GridStrategy>(context);
  });
}
}  // namespace

TUNELAB_PLUGIN("tunelab-grid", TUNELAB_VERSION_STRING, registerGrid)
