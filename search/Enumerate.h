#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
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

/// How many points enumeratePoints would list, without keeping them; throws as it does.
TUNELAB_API std::size_t countPoints(const SearchSpace& space, const std::string& strategy,
                                    std::size_t limit = 1'000'000);

/// How many trials a model-based strategy (gp, tpe) may propose: max_trials, capped by the
/// size of a finite space of at most 1,000,000 points (then also known as `finiteSize`).
struct TrialBudget {
  std::size_t limit = 0;
  std::optional<std::size_t> finiteSize;
};

/// Throws ConfigError for a space without parameters, or a continuous one without max_trials.
TUNELAB_API TrialBudget modelBasedBudget(const SearchSpace& space,
                                         std::optional<std::size_t> maxTrials,
                                         const std::string& strategy);

}  // namespace tunelab
