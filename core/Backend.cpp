#include "core/Backend.h"

namespace tunelab {

Backend::~Backend() = default;

}  // namespace tunelab
