#pragma once

// The tunelab plugin contract. A plugin is a shared library that exports exactly one C symbol:
//
//   extern "C" const tunelab::PluginInfo* tunelab_plugin_info();
//
// which returns a description of the plugin (ABI version, name, version, build tag) and a
// function that registers its layer types, backends, search strategies and pruners by name. tunelab
// loads every plugin at start-up, before any worker thread, and keeps it loaded until exit.
// It refuses a plugin, with a message naming the file, when:
//   - abiVersion differs from kPluginAbiVersion (the plugin was built against another tunelab),
//   - buildTag differs from tunelab's (another compiler or standard library: the std::function
//     and std::string values that cross this boundary would not be compatible),
//   - the symbol is missing, the file is no shared library, or registration fails or throws,
//   - a name it registers is already taken (both files are named),
//   - loading it first in a child process (tunelab-plugin-probe) ended that process or timed
//     out: the plugin exits, aborts, crashes or hangs while opened or registering.
// A refused plugin registers nothing; the other plugins still load.
//
// Write a plugin with the TUNELAB_PLUGIN macro, which exports the symbol and turns any
// exception escaping registration into a refusal:
//
//   #include "plugins/PluginApi.h"
//
//   class GaussianNoise final : public tunelab::Layer { ... };
//
//   static void registerAll(tunelab::Registrar& registrar) {
//     registrar.addLayer("gaussian_noise", [](const nlohmann::json& options) {
//       return std::make_unique<GaussianNoise>(options);
//     });
//   }
//   TUNELAB_PLUGIN("gaussian-noise", "1.0", registerAll)
//
// Build it with tunelab_add_plugin(NAME SOURCES...) from find_package(tunelab), and make
// tunelab find it with --plugin-dir DIR or TUNELAB_PLUGIN_PATH (docs/writing-plugins.md).
// Objects a plugin creates (layers, backends) must not outlive tunelab's plugin host; an
// exception a plugin's object throws while a trial runs fails that trial, not the program.

#include <cstdint>
#include <exception>
#include <string_view>

#include "core/BackendRegistry.h"
#include "core/LayerRegistry.h"
#include "core/Version.h"
#include "search/PrunerRegistry.h"
#include "search/StrategyRegistry.h"

namespace tunelab {

/// Bumped whenever PluginInfo, Registrar or an interface a plugin implements changes.
inline constexpr std::uint32_t kPluginAbiVersion = 6;

/// What a plugin registers into. Registrations take effect only if the whole registration
/// succeeds.
class Registrar {
 public:
  virtual void addLayer(std::string_view type, LayerFactory factory) = 0;
  virtual void addBackend(std::string_view name, BackendFactory factory) = 0;
  virtual void addStrategy(std::string_view name, StrategyFactory factory) = 0;
  virtual void addPruner(std::string_view name, PrunerFactory factory) = 0;
  /// Refuses the plugin with `why` (the macro calls this for an escaping exception).
  virtual void fail(std::string_view why) = 0;

 protected:
  ~Registrar() = default;
};

/// The description tunelab_plugin_info() returns. Strings must stay valid while the plugin is
/// loaded (string literals).
struct PluginInfo {
  std::uint32_t abiVersion;
  const char* name;
  const char* version;
  const char* buildTag;
  bool (*registerAll)(Registrar& registrar) noexcept;
};

}  // namespace tunelab

#define TUNELAB_PLUGIN_STRINGIFY2(x) #x
#define TUNELAB_PLUGIN_STRINGIFY(x) TUNELAB_PLUGIN_STRINGIFY2(x)

/// Compiler, standard library and tunelab version: plugins and tunelab must agree exactly.
#define TUNELAB_BUILD_TAG \
  "gcc-" __VERSION__      \
  " libstdc++-" TUNELAB_PLUGIN_STRINGIFY(__GLIBCXX__) " tunelab-" TUNELAB_VERSION_STRING

#define TUNELAB_PLUGIN(NAME, VERSION, REGISTER_FUNCTION)                                        \
  namespace {                                                                                   \
  bool tunelabPluginRegisterAll(::tunelab::Registrar& registrar) noexcept {                     \
    try {                                                                                       \
      REGISTER_FUNCTION(registrar);                                                             \
      return true;                                                                              \
    } catch (const std::exception& e) {                                                         \
      registrar.fail(e.what());                                                                 \
    } catch (...) {                                                                             \
      registrar.fail("registration threw an exception that is not a std::exception");           \
    }                                                                                           \
    return false;                                                                               \
  }                                                                                             \
  const ::tunelab::PluginInfo kTunelabPluginInfo{::tunelab::kPluginAbiVersion, NAME, VERSION,   \
                                                 TUNELAB_BUILD_TAG, &tunelabPluginRegisterAll}; \
  }                                                                                             \
  extern "C" __attribute__((visibility("default"))) const ::tunelab::PluginInfo*                \
  tunelab_plugin_info() {                                                                       \
    return &kTunelabPluginInfo;                                                                 \
  }
