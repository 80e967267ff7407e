#include "core/BackendRegistry.h"

namespace tunelab {

BackendRegistry::BackendRegistry() : NamedRegistry<BackendFactory>("backend") {}
BackendRegistry::~BackendRegistry() = default;

std::unique_ptr<Backend> BackendRegistry::create(const std::string& name) const {
  return get(name)();
}

}  // namespace tunelab
