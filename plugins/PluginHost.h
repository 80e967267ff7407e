#pragma once

#include <chrono>
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

/// How plugins are probed before they are loaded (plugins/PluginProbe.h). Every plugin outside
/// the bundled directory is first loaded in a child process; only one that survives that is
/// loaded into this process.
struct PluginProbeSettings {
  enum class Mode {
    UseCache,    // probe a file only when its cached verdict is missing or the file changed
    ProbeAgain,  // probe every file, and cache the new verdicts (`tunelab plugins`)
    Off,         // load in this process without a probe (the probe program itself)
  };
  Mode mode = Mode::UseCache;
  std::chrono::milliseconds timeout{10000};
  std::filesystem::path cacheDirectory;  // empty: the default (ProbeCache::defaultDirectory)
  std::filesystem::path program;         // empty: the default (PluginHost::probeProgram)
};

/// Loads plugins and owns them together with the registries they fill. Declared members are
/// destroyed in reverse: the registries (whose factories live in plugin code) go first, the
/// libraries last. Everything a plugin created must be destroyed before the host.
class PluginHost {
 public:
  explicit PluginHost(PluginProbeSettings probe = {});
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

  /// The directory of the bundled plugins (trusted: loaded without a probe).
  static std::filesystem::path bundledDirectory();
  /// The probe program, installed beside the bundled plugins' directory.
  static std::filesystem::path probeProgram();

  /// Loads every *.so in each directory, in name order, serially. Problems are collected, not
  /// thrown: one bad file never stops the others.
  void loadDirectories(const std::vector<std::filesystem::path>& directories);
  /// Loads one file after probing it; returns false (and records the problem) when it is
  /// refused.
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
  const PluginProbeSettings& probeSettings() const { return probe_; }
  /// How many probe processes this host ran (cached verdicts are not counted).
  std::size_t probesRun() const { return probesRun_; }

 private:
  bool load(const std::filesystem::path& file, bool probe);
  bool loadInProcess(const std::filesystem::path& file);
  std::string probeFailure(const std::filesystem::path& file);

  struct Library;
  std::vector<std::unique_ptr<Library>> libraries_;  // first member: destroyed last
  LayerRegistry layers_;
  BackendRegistry backends_;
  StrategyRegistry strategies_;
  PrunerRegistry pruners_;
  std::vector<LoadedPlugin> plugins_;
  std::vector<PluginProblem> problems_;
  std::vector<std::filesystem::path> searched_;
  PluginProbeSettings probe_;
  std::size_t probesRun_ = 0;
};

/// The build tag this tunelab was compiled with (plugins must match it).
std::string hostBuildTag();

}  // namespace tunelab
