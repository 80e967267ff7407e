#include "plugins/PluginApi.h"
#include "search/strategies/hyperband/HyperbandStrategy.h"

namespace {
void registerHyperband(tunelab::Registrar& registrar) {
  registrar.addStrategy("hyperband", [](const tunelab::StrategyContext& context) {
    return std::make_unique<tunelab::HyperbandStrategy>(context);
  });
}
}  // namespace

TUNELAB_PLUGIN("tunelab-hyperband", TUNELAB_VERSION_STRING, registerHyperband)
