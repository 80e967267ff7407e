#pragma once

#include <filesystem>
#include <iosfwd>
#include <vector>

namespace tunelab {

/// `tunelab plugins`: every plugin directory searched, every plugin loaded (file, name,
/// version, ABI version and what it adds) and every file refused with the reason.
int runPlugins(const std::vector<std::filesystem::path>& pluginDirs, std::ostream& out);

}  // namespace tunelab
