#include "experiments/cli/PluginsCommand.h"

#include <ostream>
#include <sstream>

#include "core/Options.h"
#include "experiments/cli/ExitCode.h"
#include "plugins/PluginHost.h"

namespace tunelab {

int runPlugins(const std::vector<std::filesystem::path>& pluginDirs, std::ostream& out) {
  // Every plugin is probed afresh: this is the command that re-checks a refused one.
  PluginHost host(PluginProbeSettings{.mode = PluginProbeSettings::Mode::ProbeAgain});
  host.loadDirectories(PluginHost::searchPath(pluginDirs));
  out << "Plugin directories searched:\n";
  for (const auto& dir : host.searchedDirectories()) {
    out << "  " << dir.string() << (std::filesystem::is_directory(dir) ? "" : "  (absent)") << "\n";
  }
  out << "\nLoaded plugins:\n";
  for (const auto& p : host.plugins()) {
    out << "  " << p.name << " " << p.version << " (ABI " << p.abiVersion << ")  "
        << p.file.string() << "\n";
    if (!p.layers.empty()) out << "    layers: " << joinNames(p.layers) << "\n";
    if (!p.backends.empty()) out << "    backends: " << joinNames(p.backends) << "\n";
    if (!p.strategies.empty()) out << "    strategies: " << joinNames(p.strategies) << "\n";
    if (!p.pruners.empty()) out << "    pruners: " << joinNames(p.pruners) << "\n";
  }
  out << "  built-in\n    backends: reference\n";
  if (!host.problems().empty()) {
    out << "\nRefused:\n";
    for (const auto& problem : host.problems()) {
      out << "  " << problem.file.string() << ": " << problem.reason << "\n";
    }
  }
  const auto& probe = host.probeSettings();
  out << "\nProbe: each plugin outside " << PluginHost::bundledDirectory().string()
      << " is first loaded in a child process (" << probe.program.string() << ")";
  if (!probe.cacheDirectory.empty())
    out << "; verdicts cached in " << probe.cacheDirectory.string();
  out << "\n";
  out << "\nBuild tag: " << hostBuildTag() << "\n";
  return kExitOk;
}

int runBackends(const std::vector<std::filesystem::path>& pluginDirs, std::ostream& out) {
  PluginHost host;
  host.loadDirectories(PluginHost::searchPath(pluginDirs));
  for (const auto& name : host.backends().names()) {
    const auto backend = host.backends().create(name);
    out << name << "  (" << host.backends().origin(name) << ")\n";
    out << "  threads per instance: " << backend->threads() << " (set per trial by the runner)\n";
    std::istringstream lines(backend->description());
    for (std::string line; std::getline(lines, line);) out << "  " << line << "\n";
  }
  for (const auto& problem : host.problems()) {
    out << "refused plugin " << problem.file.string() << ": " << problem.reason << "\n";
  }
  return kExitOk;
}

}  // namespace tunelab
