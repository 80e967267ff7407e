#include "core/Backend.h"

namespace tunelab {

Backend::~Backend() = default;

std::string Backend::description() const { return std::string(name()); }

}  // namespace tunelab
