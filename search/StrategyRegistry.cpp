#include "search/StrategyRegistry.h"

namespace tunelab {

Strategy::~Strategy() = default;

StrategyRegistry::StrategyRegistry() : NamedRegistry("strategy") {}
StrategyRegistry::~StrategyRegistry() = default;

std::unique_ptr<Strategy> StrategyRegistry::create(const std::string& name,
                                                   const StrategyContext& context) const {
  return get(name)(context);
}

}  // namespace tunelab
