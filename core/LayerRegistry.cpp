#include "core/LayerRegistry.h"

#include "core/Error.h"
#include "core/Options.h"
#include "core/layers/ActivationLayer.h"
#include "core/layers/BatchNormalization.h"
#include "core/layers/Dense.h"
#include "core/layers/Dropout.h"

namespace tunelab {

LayerRegistry::LayerRegistry() = default;
LayerRegistry::~LayerRegistry() = default;

void LayerRegistry::add(const std::string& type, LayerFactory factory, std::string origin) {
  if (auto it = entries_.find(type); it != entries_.end()) {
    throw Error("layer type '" + type + "' is registered twice: by " + it->second.origin +
                " and by " + origin);
  }
  entries_.emplace(type, Entry{std::move(factory), std::move(origin)});
}

bool LayerRegistry::contains(const std::string& type) const { return entries_.contains(type); }

std::unique_ptr<Layer> LayerRegistry::create(const std::string& type,
                                             const nlohmann::json& options) const {
  auto it = entries_.find(type);
  if (it == entries_.end()) {
    std::string message = "unknown layer type '" + type + "'";
    if (auto near = nearestName(type, types()); !near.empty()) {
      message += " (did you mean '" + near + "'?)";
    }
    throw ConfigError("type", message + "; available layer types: " + joinNames(types()));
  }
  return it->second.factory(options);
}

std::vector<std::string> LayerRegistry::types() const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries_) names.push_back(name);
  return names;
}

const std::string& LayerRegistry::origin(const std::string& type) const {
  return entries_.at(type).origin;
}

void registerStandardLayers(LayerRegistry& registry) {
  registry.add("dense", [](const nlohmann::json& o) { return std::make_unique<Dense>(o); });
  registry.add("activation",
               [](const nlohmann::json& o) { return std::make_unique<ActivationLayer>(o); });
  registry.add("dropout", [](const nlohmann::json& o) { return std::make_unique<Dropout>(o); });
  registry.add("batch_normalization",
               [](const nlohmann::json& o) { return std::make_unique<BatchNormalization>(o); });
}

}  // namespace tunelab
