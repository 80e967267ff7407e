// The plugin's one entry point: registers the search strategy "latin_hypercube".
#include "LatinHypercube.h"
#include "plugins/PluginApi.h"

namespace {

void registerAll(tunelab::Registrar& registrar) {
  registrar.addStrategy("latin_hypercube", [](const tunelab::StrategyContext& context) {
    return std::make_unique<example::LatinHypercube>(context);
  });
}

}  // namespace

TUNELAB_PLUGIN("latin-hypercube", "1.0", registerAll)
