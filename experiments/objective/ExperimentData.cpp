#include "experiments/objective/ExperimentData.h"

#include <ostream>

#include "core/Error.h"
#include "core/data/DatasetResolver.h"

namespace tunelab {

std::optional<PreparedData> prepareExperimentData(
    const DataSpec& spec, const std::vector<std::filesystem::path>& dataDirs, std::uint64_t seed,
    const YamlDocument& document, std::ostream& err) {
  try {
    PreparedData data = prepareData(spec, defaultDataLocations(dataDirs), seed);
    for (const auto& warning : data.warnings) err << "warning: " << warning << "\n";
    return data;
  } catch (const ConfigError& e) {
    err << "error: " << document.describe(e.withPrefix("data")) << "\n";
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
  }
  return std::nullopt;
}

}  // namespace tunelab
