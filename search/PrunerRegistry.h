#pragma once

#include <memory>
#include <string>

#include "core/NamedRegistry.h"
#include "search/Pruner.h"

namespace tunelab {

/// Pruners by name ("median", or a plugin's).
class TUNELAB_API PrunerRegistry : public NamedRegistry<PrunerFactory> {
 public:
  PrunerRegistry();
  ~PrunerRegistry();
  /// Throws ConfigError listing the available pruners for an unknown name.
  std::unique_ptr<Pruner> create(const std::string& name, const PrunerContext& context) const;
};

}  // namespace tunelab
