#include "experiments/objective/ExperimentData.h"

#include <ostream>

#include "core/Error.h"
#include "core/data/DatasetResolver.h"

namespace tunelab {

std::optional<PreparedData> prepareExperimentData(
    const DataSpec& spec, const std::vector<std::filesystem::path>& dataDirs, std::uint64_t seed,
    const YamlDocument& document, std::ostream& err) {
  try {
    return prepareData(spec, defaultDataLocations(dataDirs), seed);
  } catch (const ConfigError& e) {
    err << "error: " << document.describe(e.withPrefix("data")) << "\n";
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
  }
  return std::nullopt;
}

}  // namespace tunelab
