#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/BackendRegistry.h"
#include "core/LayerRegistry.h"
#include "search/PrunerRegistry.h"
#include "search/StrategyRegistry.h"

namespace tunelab {

/// A plugin that loaded, and what it added.
struct LoadedPlugin {
  std::filesystem::path file;
  std::string name;
  std::string version;
  std::uint32_t abiVersion = 0;
  std::vector<std::string> layers;
  std::vector<std::string> backends;
  std::vector<std::string> strategies;
  std::vector<std::string> pruners;
};

/// A file that was refused, and why.
struct PluginProblem {
  std::filesystem::path file;
  std::string reason;
};

/// Loads plugins and owns them together with the registries they fill. Declared members are
/// destroyed in reverse: the registries (whose factories live in plugin code) go first, the
/// libraries last. Everything a plugin created must be destroyed before the host.
class PluginHost {
 public:
  PluginHost();
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  /// Where plugins are loaded from, in order: the install location beside the executable
  /// (the bundled plugins, so no plugin can shadow a standard name), then `pluginDirs`
  /// (--plugin-dir), then each entry of $TUNELAB_PLUGIN_PATH.
  static std::vector<std::filesystem::path> searchPath(
      const std::vector<std::filesystem::path>& pluginDirs);

  /// Where the bundled plugins are for a host that is not the tunelab executable (the Python
  /// module finds them relative to its own file): replaces the directory beside the executable
  /// in searchPath. Set it once, before any plugin loads.
  static void setBundledDirectory(std::filesystem::path directory);

  /// Loads every *.so in each directory, in name order, serially. Problems are collected, not
  /// thrown: one bad file never stops the others.
  void loadDirectories(const std::vector<std::filesystem::path>& directories);
  /// Loads one file; returns false (and records the problem) when it is refused.
  bool loadFile(const std::filesystem::path& file);

  LayerRegistry& layers() { return layers_; }
  const LayerRegistry& layers() const { return layers_; }
  BackendRegistry& backends() { return backends_; }
  const BackendRegistry& backends() const { return backends_; }
  StrategyRegistry& strategies() { return strategies_; }
  const StrategyRegistry& strategies() const { return strategies_; }
  PrunerRegistry& pruners() { return pruners_; }
  const PrunerRegistry& pruners() const { return pruners_; }
  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
  const std::vector<PluginProblem>& problems() const { return problems_; }
  const std::vector<std::filesystem::path>& searchedDirectories() const { return searched_; }

 private:
  struct Library;
  std::vector<std::unique_ptr<Library>> libraries_;  // first member: destroyed last
  LayerRegistry layers_;
  BackendRegistry backends_;
  StrategyRegistry strategies_;
  PrunerRegistry pruners_;
  std::vector<LoadedPlugin> plugins_;
  std::vector<PluginProblem> problems_;
  std::vector<std::filesystem::path> searched_;
};

/// The build tag this tunelab was compiled with (plugins must match it).
std::string hostBuildTag();

}  // namespace tunelab
