#include "plugins/PluginHost.h"

#define BOOST_DLL_USE_STD_FS
#include <unistd.h>

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <map>

#include "backends/reference/ReferenceBackend.h"
#include "core/PathList.h"
#include "plugins/PluginApi.h"
#include "plugins/ProbeCache.h"

namespace tunelab {

namespace fs = std::filesystem;

std::string hostBuildTag() { return TUNELAB_BUILD_TAG; }

struct PluginHost::Library {
  boost::dll::shared_library library;
};

namespace {

// Collects a plugin's registrations; they are committed only if all of them can be.
class StagingRegistrar final : public Registrar {
 public:
  void addLayer(std::string_view type, LayerFactory factory) override {
    layers.emplace_back(std::string(type), std::move(factory));
  }
  void addBackend(std::string_view name, BackendFactory factory) override {
    backends.emplace_back(std::string(name), std::move(factory));
  }
  void addStrategy(std::string_view name, StrategyFactory factory) override {
    strategies.emplace_back(std::string(name), std::move(factory));
  }
  void addPruner(std::string_view name, PrunerFactory factory) override {
    pruners.emplace_back(std::string(name), std::move(factory));
  }
  void fail(std::string_view why) override { failure = why; }

  std::vector<std::pair<std::string, LayerFactory>> layers;
  std::vector<std::pair<std::string, BackendFactory>> backends;
  std::vector<std::pair<std::string, StrategyFactory>> strategies;
  std::vector<std::pair<std::string, PrunerFactory>> pruners;
  std::string failure;
};

// The first name in `staged` that `registry` already holds, with its message.
template <typename Registry, typename Staged>
std::string firstClash(const Registry& registry, const Staged& staged, const std::string& kind) {
  for (const auto& [name, factory] : staged) {
    if (registry.contains(name)) {
      return kind + " '" + name + "' is already registered by " + registry.origin(name);
    }
  }
  return {};
}

template <typename Registry, typename Staged>
std::vector<std::string> commit(Registry& registry, Staged& staged, const std::string& origin) {
  std::vector<std::string> names;
  for (auto& [name, factory] : staged) {
    registry.add(name, std::move(factory), origin);
    names.push_back(name);
  }
  return names;
}

// dlerror's text without what Boost.DLL appends (": Bad file descriptor" and the like).
std::string loaderMessage(const std::string& what) {
  std::string text = what;
  for (const char* noise : {": Bad file descriptor", ": Illegal seek", ": Success"}) {
    if (auto pos = text.rfind(noise);
        pos != std::string::npos && pos + std::strlen(noise) == text.size()) {
      text.resize(pos);
    }
  }
  return text;
}

fs::path& bundledDirectoryOverride() {
  static fs::path directory;
  return directory;
}

fs::path executableDirectory() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : self.parent_path();
}

}  // namespace

PluginHost::PluginHost(PluginProbeSettings probe) : probe_(std::move(probe)) {
  if (probe_.cacheDirectory.empty()) probe_.cacheDirectory = ProbeCache::defaultDirectory();
  if (probe_.program.empty()) probe_.program = probeProgram();
  backends_.add(
      "reference", [] { return std::make_unique<ReferenceBackend>(); }, "built-in");
}

PluginHost::~PluginHost() = default;

fs::path PluginHost::bundledDirectory() {
  if (!bundledDirectoryOverride().empty()) return bundledDirectoryOverride();
  const auto exe = executableDirectory();
  return exe.empty() ? fs::path() : (exe / TUNELAB_PLUGIN_RELATIVE_DIR).lexically_normal();
}

fs::path PluginHost::probeProgram() {
  const auto bundled = bundledDirectory();
  if (bundled.empty()) return {};
  // "lib/tunelab/plugins/" and "lib/tunelab/plugins" alike: lib/tunelab/tunelab-plugin-probe.
  const auto directory = bundled.has_filename() ? bundled : bundled.parent_path();
  return directory.parent_path() / "tunelab-plugin-probe";
}

std::vector<fs::path> PluginHost::searchPath(const std::vector<fs::path>& pluginDirs) {
  // The bundled plugins load first, so a user's plugin can never shadow a standard name.
  std::vector<fs::path> dirs;
  if (const auto bundled = bundledDirectory(); !bundled.empty()) dirs.push_back(bundled);
  dirs.insert(dirs.end(), pluginDirs.begin(), pluginDirs.end());
  const auto fromEnvironment = pathsFromEnvironment("TUNELAB_PLUGIN_PATH");
  dirs.insert(dirs.end(), fromEnvironment.begin(), fromEnvironment.end());
  return dirs;
}

void PluginHost::setBundledDirectory(fs::path directory) {
  bundledDirectoryOverride() = std::move(directory);
}

void PluginHost::loadDirectories(const std::vector<fs::path>& directories) {
  const auto bundled = bundledDirectory();
  for (const auto& dir : directories) {
    searched_.push_back(dir);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    // The bundled plugins are part of tunelab, built and tested with it: not probed.
    const bool trusted = !bundled.empty() && fs::equivalent(dir, bundled, ec);
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".so") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) load(file, !trusted);
  }
  std::string hint = "; plugin directories searched: ";
  for (std::size_t i = 0; i < searched_.size(); ++i)
    hint += (i ? ", " : "") + searched_[i].string();
  layers_.setUnknownHint(hint);
  backends_.setUnknownHint(hint);
  strategies_.setUnknownHint(hint);
  pruners_.setUnknownHint(hint);
}

bool PluginHost::loadFile(const fs::path& file) { return load(file, true); }

std::string PluginHost::probeFailure(const fs::path& file) {
  const auto program = stampOf(probe_.program);
  const ProbeCache cache(probe_.cacheDirectory,
                         hostBuildTag() + "\n" + (program ? program->identity : std::string()));
  const auto stamp = stampOf(file);
  if (stamp && probe_.mode == PluginProbeSettings::Mode::UseCache) {
    if (const auto cached = cache.find(*stamp)) return cached->failure;
  }
  if (probe_.program.empty()) return "cannot probe it: the plugin probe program was not found";
  ++probesRun_;
  const auto verdict = probePlugin(probe_.program, file, probe_.timeout);
  if (stamp && verdict.conclusive) cache.store(*stamp, verdict);
  return verdict.failure;
}

bool PluginHost::load(const fs::path& file, bool probe) {
  if (probe && probe_.mode != PluginProbeSettings::Mode::Off) {
    if (auto failure = probeFailure(file); !failure.empty()) {
      problems_.push_back({file, std::move(failure)});
      return false;
    }
  }
  return loadInProcess(file);
}

bool PluginHost::loadInProcess(const fs::path& file) {
  auto refuse = [&](const std::string& reason) {
    problems_.push_back({file, reason});
    return false;
  };
  auto library = std::make_unique<Library>();
  try {
    // rtld_now: a plugin with a missing symbol is refused here instead of killing the process
    // on its first call.
    library->library.load(file, boost::dll::load_mode::rtld_now);
  } catch (const std::exception& e) {
    return refuse("not a loadable shared library: " + loaderMessage(e.what()));
  }
  if (!library->library.has("tunelab_plugin_info")) {
    return refuse("no tunelab_plugin_info symbol: not a tunelab plugin (use TUNELAB_PLUGIN)");
  }
  const PluginInfo* info = nullptr;
  try {
    info = library->library.get<const PluginInfo*()>("tunelab_plugin_info")();
  } catch (const std::exception& e) {
    return refuse("cannot read tunelab_plugin_info: " + loaderMessage(e.what()));
  }
  if (info == nullptr) return refuse("tunelab_plugin_info returned nothing");
  if (info->abiVersion != kPluginAbiVersion) {
    return refuse("plugin ABI version " + std::to_string(info->abiVersion) +
                  ", but this tunelab has ABI version " + std::to_string(kPluginAbiVersion) +
                  ": rebuild the plugin against this tunelab");
  }
  const std::string tag = info->buildTag != nullptr ? info->buildTag : "";
  if (tag != hostBuildTag()) {
    return refuse("built with '" + tag + "', but this tunelab was built with '" + hostBuildTag() +
                  "': rebuild the plugin with the same compiler and tunelab version");
  }
  LoadedPlugin loaded;
  loaded.file = file;
  // Copied now: the strings live in the plugin's memory.
  loaded.name = info->name != nullptr ? info->name : file.stem().string();
  loaded.version = info->version != nullptr ? info->version : "";
  loaded.abiVersion = info->abiVersion;

  StagingRegistrar staging;
  if (!info->registerAll(staging)) {
    return refuse("registration failed: " +
                  (staging.failure.empty() ? std::string("no reason given") : staging.failure));
  }
  for (const auto& clash : {firstClash(layers_, staging.layers, "layer type"),
                            firstClash(backends_, staging.backends, "backend"),
                            firstClash(strategies_, staging.strategies, "strategy"),
                            firstClash(pruners_, staging.pruners, "pruner")}) {
    if (!clash.empty()) return refuse(clash);
  }
  const std::string origin = file.string();
  loaded.layers = commit(layers_, staging.layers, origin);
  loaded.backends = commit(backends_, staging.backends, origin);
  loaded.strategies = commit(strategies_, staging.strategies, origin);
  loaded.pruners = commit(pruners_, staging.pruners, origin);
  libraries_.push_back(std::move(library));
  plugins_.push_back(std::move(loaded));
  return true;
}

}  // namespace tunelab
