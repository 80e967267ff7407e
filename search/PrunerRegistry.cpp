#include "search/PrunerRegistry.h"

namespace tunelab {

Pruner::~Pruner() = default;

PrunerRegistry::PrunerRegistry() : NamedRegistry("pruner") {}
PrunerRegistry::~PrunerRegistry() = default;

std::unique_ptr<Pruner> PrunerRegistry::create(const std::string& name,
                                               const PrunerContext& context) const {
  return get(name)(context);
}

}  // namespace tunelab
