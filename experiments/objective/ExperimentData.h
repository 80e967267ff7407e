#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <vector>

#include "core/data/DataSpec.h"
#include "core/data/PrepareData.h"
#include "experiments/config/YamlDocument.h"

namespace tunelab {

/// Loads and prepares the data an experiment names, or prints why it cannot (located in the
/// file for a setting, as is for a data file's own problem) and returns nothing.
std::optional<PreparedData> prepareExperimentData(
    const DataSpec& spec, const std::vector<std::filesystem::path>& dataDirs, std::uint64_t seed,
    const YamlDocument& document, std::ostream& err);

}  // namespace tunelab
