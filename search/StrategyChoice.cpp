#include "search/StrategyChoice.h"

#include <algorithm>

#include "core/Error.h"
#include "search/Enumerate.h"

namespace tunelab {

namespace {

bool onlyListsOfValues(const SearchSpace& space) {
  return std::ranges::all_of(space.parameters(), [](const Parameter& p) {
    return p.kind == Parameter::Kind::Constant || p.kind == Parameter::Kind::Categorical;
  });
}

// The number of points of a finite space; nothing for a continuous one, or one with more
// points than any study would run.
std::optional<std::size_t> gridSize(const SearchSpace& space) {
  try {
    return countPoints(space, "grid");
  } catch (const ConfigError&) {
    return std::nullopt;
  }
}

std::string count(std::size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

}  // namespace

StrategyChoice chooseStrategy(const SearchSpace& space, std::optional<std::size_t> maxTrials,
                              std::size_t objectives) {
  const std::size_t parameters = space.dimensions();
  if (parameters == 0) return {"grid", ""};  // one trial: nothing to choose, nothing to say
  // Counted only where it decides: a grid of lists, or the budget without max_trials.
  const bool lists = onlyListsOfValues(space);
  const auto size = lists || !maxTrials ? gridSize(space) : std::nullopt;
  if (lists) {
    if (size && (!maxTrials || *maxTrials >= *size)) {
      return {"grid", "every parameter is a list of values and max_trials allows all " +
                          count(*size, "point") + ": the whole grid, as GridSearchCV"};
    }
  }
  if (objectives > 1) {
    return {"nsga2", count(objectives, "objective") +
                         ": NSGA-II, Optuna's default for several objectives (its first "
                         "generation is random; bench/RESULTS.md)"};
  }
  if (parameters > kAutoGpMaxParameters) {
    return {"tpe", count(parameters, "parameter") + ", more than the " +
                       std::to_string(kAutoGpMaxParameters) +
                       " the Gaussian process was measured on: TPE, whose cost grows "
                       "linearly with the parameters"};
  }
  // Without max_trials a finite space runs whole: its size is the budget.
  const std::optional<std::size_t> budget = maxTrials ? maxTrials : size;
  if (!budget || *budget > kAutoGpMaxTrials) {
    return {"tpe", (budget ? count(*budget, "trial") : std::string("over a million trials")) +
                       ", more than the " + std::to_string(kAutoGpMaxTrials) +
                       " for which the Gaussian process's ask stays cheap: TPE"};
  }
  return {"gp", count(parameters, "parameter") + " and " + count(*budget, "trial") +
                    ": the Gaussian process, best on every problem of tunelab's search suite "
                    "at 50 and 100 trials (bench/RESULTS.md)"};
}

}  // namespace tunelab
