// The plugin's one entry point: registers the layer type "gaussian_noise".
#include "GaussianNoise.h"
#include "plugins/PluginApi.h"

namespace {

void registerAll(tunelab::Registrar& registrar) {
  registrar.addLayer("gaussian_noise", [](const nlohmann::json& options) {
    return std::make_unique<example::GaussianNoise>(options);
  });
}

}  // namespace

TUNELAB_PLUGIN("gaussian-noise", "1.0", registerAll)
