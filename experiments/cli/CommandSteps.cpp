#include "experiments/cli/CommandSteps.h"

#include <ostream>

#include "core/Error.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/config/Overrides.h"
#include "experiments/files/InputFile.h"
#include "plugins/PluginHost.h"

namespace tunelab {

std::optional<int> readExperimentFile(const std::filesystem::path& file,
                                      const std::vector<std::string>& overrides,
                                      std::optional<YamlDocument>& document, std::ostream& err,
                                      const std::function<void(const YamlDocument&)>& parse) {
  try {
    checkInputFile(file, "experiment file", InputContent::Text);
    document = YamlDocument::load(file);
    applyOverrides(*document, overrides);
    parse(*document);
  } catch (const ConfigError& e) {
    err << "error: " << (document ? document->describe(e) : std::string(e.what())) << "\n";
    return kExitBadInput;
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
  return std::nullopt;
}

void loadPluginsWarning(PluginHost& host, const std::vector<std::filesystem::path>& dirs,
                        std::ostream& err) {
  host.loadDirectories(PluginHost::searchPath(dirs));
  for (const auto& problem : host.problems()) {
    err << "warning: plugin " << problem.file.string() << " not loaded: " << problem.reason << "\n";
  }
}

std::optional<int> checkBackends(const PluginHost& host, const std::vector<std::string>& backends,
                                 const YamlDocument& document, std::ostream& err) {
  for (const auto& backend : backends) {
    try {
      host.backends().get(backend);
    } catch (const ConfigError& e) {
      err << "error: " << document.locate("execution.backend")
          << ": execution.backend: " << e.detail() << "\n";
      return kExitBadInput;
    }
  }
  return std::nullopt;
}

}  // namespace tunelab
