#include "core/LayerRegistry.h"

namespace tunelab {

LayerRegistry::LayerRegistry() : NamedRegistry<LayerFactory>("layer type") {}
LayerRegistry::~LayerRegistry() = default;

std::unique_ptr<Layer> LayerRegistry::create(const std::string& type,
                                             const nlohmann::json& options) const {
  return get(type)(options);
}

}  // namespace tunelab
