#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/Export.h"
#include "search/SearchSpace.h"

namespace tunelab {

/// Every point of a finite space, as the Cartesian product in the file's order (the first
/// parameter varies slowest, like itertools.product); a conditional parameter appears only
/// in the points where its condition holds. Throws ConfigError keyed "parameters.<name>" for
/// a continuous parameter (saying how to list its values) or when there are more than
/// `limit` points.
TUNELAB_API std::vector<nlohmann::json> enumeratePoints(const SearchSpace& space,
                                                        const std::string& strategy,
                                                        std::size_t limit = 1'000'000);

}  // namespace tunelab
