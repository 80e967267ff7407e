#include "plugins/PluginApi.h"
#include "search/strategies/tpe/TpeStrategy.h"

namespace {
void registerTpe(tunelab::Registrar& registrar) {
  registrar.addStrategy("tpe", [](const tunelab::StrategyContext& context) {
    return std::make_unique<tunelab::TpeStrategy>(context);
  });
}
}  // namespace

TUNELAB_PLUGIN("tunelab-tpe", TUNELAB_VERSION_STRING, registerTpe)
