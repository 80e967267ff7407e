#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/Export.h"
#include "core/Layer.h"
#include "core/NamedRegistry.h"

namespace tunelab {

/// Makes a layer from its options (the YAML mapping without "type", as JSON). Throws
/// ConfigError with the key path inside the options.
using LayerFactory = std::function<std::unique_ptr<Layer>(const nlohmann::json& options)>;

/// Layer types by name. Not a singleton: the plugin host owns the one a program uses.
class TUNELAB_API LayerRegistry : public NamedRegistry<LayerFactory> {
 public:
  LayerRegistry();
  ~LayerRegistry();
  /// Throws ConfigError listing the known types (and the nearest one) for an unknown type.
  std::unique_ptr<Layer> create(const std::string& type, const nlohmann::json& options) const;
  std::vector<std::string> types() const { return names(); }
};

}  // namespace tunelab
