#pragma once

#include <filesystem>
#include <vector>

#include "core/Export.h"

namespace tunelab {

/// The directories in a ':'-separated environment variable (empty entries skipped; none when
/// the variable is unset), like PATH: TUNELAB_DATA_DIR, TUNELAB_PLUGIN_PATH.
TUNELAB_API std::vector<std::filesystem::path> pathsFromEnvironment(const char* variable);

}  // namespace tunelab
