#include "plugins/PluginApi.h"
#include "search/strategies/gp/GpStrategy.h"

namespace {
void registerGp(tunelab::Registrar& registrar) {
  registrar.addStrategy("gp", [](const tunelab::StrategyContext& context) {
    return std::make_unique<tunelab::GpStrategy>(context);
  });
}
}  // namespace

TUNELAB_PLUGIN("tunelab-gp", TUNELAB_VERSION_STRING, registerGp)
