#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "experiments/config/YamlDocument.h"

namespace tunelab {

class PluginHost;

/// Loads the experiment file into `document`, applies the --set overrides and calls `parse`.
/// Prints the mistake located in the file and returns the exit code when any step fails.
std::optional<int> readExperimentFile(const std::filesystem::path& file,
                                      const std::vector<std::string>& overrides,
                                      std::optional<YamlDocument>& document, std::ostream& err,
                                      const std::function<void(const YamlDocument&)>& parse);

/// Loads the plugins from the search path (`dirs` first); a refused file is a warning.
void loadPluginsWarning(PluginHost& host, const std::vector<std::filesystem::path>& dirs,
                        std::ostream& err);

/// Prints where execution.backend names a backend no plugin provides and returns the exit
/// code; nothing when all exist.
std::optional<int> checkBackends(const PluginHost& host, const std::vector<std::string>& backends,
                                 const YamlDocument& document, std::ostream& err);

}  // namespace tunelab
