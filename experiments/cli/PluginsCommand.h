#pragma once

#include <filesystem>
#include <iosfwd>
#include <vector>

namespace tunelab {

/// `tunelab plugins`: every plugin directory searched, every plugin loaded (file, name,
/// version, ABI version and what it adds) and every file refused with the reason.
int runPlugins(const std::vector<std::filesystem::path>& pluginDirs, std::ostream& out);

/// `tunelab backends`: each backend with its library, version, threads and the kernel it runs,
/// and a warning with the fix when a library runs far below what the CPU can do.
int runBackends(const std::vector<std::filesystem::path>& pluginDirs, std::ostream& out);

}  // namespace tunelab
