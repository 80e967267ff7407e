#pragma once

#include <memory>
#include <string>

#include "core/NamedRegistry.h"
#include "search/Strategy.h"

namespace tunelab {

/// Search strategies by name ("grid", "random", "gp", "hyperband", or a plugin's).
class TUNELAB_API StrategyRegistry : public NamedRegistry<StrategyFactory> {
 public:
  StrategyRegistry();
  ~StrategyRegistry();
  /// Throws ConfigError listing the available strategies for an unknown name.
  std::unique_ptr<Strategy> create(const std::string& name, const StrategyContext& context) const;
};

}  // namespace tunelab
