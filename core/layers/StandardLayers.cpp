#include "core/layers/StandardLayers.h"

#include "core/layers/ActivationLayer.h"
#include "core/layers/BatchNormalization.h"
#include "core/layers/Dense.h"
#include "core/layers/Dropout.h"

namespace tunelab {

namespace {
template <typename L>
LayerFactory factoryOf() {
  return [](const nlohmann::json& options) { return std::make_unique<L>(options); };
}
}  // namespace

void registerStandardLayers(LayerRegistry& registry, const std::string& origin) {
  registry.add("dense", factoryOf<Dense>(), origin);
  registry.add("activation", factoryOf<ActivationLayer>(), origin);
  registry.add("dropout", factoryOf<Dropout>(), origin);
  registry.add("batch_normalization", factoryOf<BatchNormalization>(), origin);
}

}  // namespace tunelab
