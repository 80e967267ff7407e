#pragma once

#include <string>

namespace tunelab {

/// "tunelab 0.1.0".
std::string versionString();

}  // namespace tunelab
