#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/Export.h"
#include "core/Layer.h"

namespace tunelab {

/// Makes a layer from its options (the YAML mapping without "type", as JSON). Throws
/// ConfigError with the key path inside the options.
using LayerFactory = std::function<std::unique_ptr<Layer>(const nlohmann::json& options)>;

/// Layer types by name. Not a singleton: whoever loads the plugins owns one.
class TUNELAB_API LayerRegistry {
 public:
  LayerRegistry();
  ~LayerRegistry();

  /// Adds a type; throws Error when the name is taken (naming both origins).
  void add(const std::string& type, LayerFactory factory, std::string origin = "built-in");
  bool contains(const std::string& type) const;
  /// Throws ConfigError listing the known types (and the nearest one) for an unknown type.
  std::unique_ptr<Layer> create(const std::string& type, const nlohmann::json& options) const;
  std::vector<std::string> types() const;
  const std::string& origin(const std::string& type) const;

 private:
  struct Entry {
    LayerFactory factory;
    std::string origin;
  };
  std::map<std::string, Entry> entries_;
};

/// Registers dense, activation, dropout and batch_normalization.
TUNELAB_API void registerStandardLayers(LayerRegistry& registry);

}  // namespace tunelab
