#include "plugins/PluginApi.h"
#include "search/strategies/nsga2/Nsga2Strategy.h"

namespace {
void registerNsga2(tunelab::Registrar& registrar) {
  registrar.addStrategy("nsga2", [](const tunelab::StrategyContext& context) {
    return std::make_unique<tunelab::Nsga2Strategy>(context);
  });
}
}  // namespace

TUNELAB_PLUGIN("tunelab-nsga2", TUNELAB_VERSION_STRING, registerNsga2)
