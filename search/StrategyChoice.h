#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "core/Export.h"
#include "search/SearchSpace.h"

namespace tunelab {

/// What `strategy: auto` runs, and why in words a user reads at the start of the study.
struct StrategyChoice {
  std::string strategy;
  std::string reason;
};

/// The most parameters and trials for which `auto` picks the Gaussian process: the search
/// suite (bench/RESULTS.md) has spaces of up to 10 parameters and budgets of up to 100
/// trials; the GP's ask grows with the cube of its observations (265 ms at 200).
inline constexpr std::size_t kAutoGpMaxParameters = 10;
inline constexpr std::size_t kAutoGpMaxTrials = 200;

/// `strategy: auto`: a space given only as lists of values is a grid the user wrote out
/// (GridSearchCV), run whole when max_trials allows it; otherwise the Gaussian process, which
/// led every problem of the search suite at 50 and 100 trials, within the sizes it was
/// measured on; TPE beyond them. A pure function of the file: a resumed study picks the same.
/// With several objectives (`objectives` > 1), NSGA-II where the grid does not fit.
TUNELAB_API StrategyChoice chooseStrategy(const SearchSpace& space,
                                          std::optional<std::size_t> maxTrials,
                                          std::size_t objectives = 1);

}  // namespace tunelab
