#include "plugins/PluginApi.h"
#include "search/strategies/random/RandomStrategy.h"

namespace {
void registerRandom(tunelab::Registrar& registrar) {
  registrar.addStrategy("random", [](const tunelab::StrategyContext& context) {
    return std::make_unique<tunelab::RandomStrategy>(context);
  });
}
}  // namespace

TUNELAB_PLUGIN("tunelab-random", TUNELAB_VERSION_STRING, registerRandom)
