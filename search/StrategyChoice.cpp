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

// The grid's size, or nothing when it has more points than any study would run.
std::optional<std::size_t> gridSize(const SearchSpace& space) {
  try {
    return enumeratePoints(space, "grid", 1'000'000).size();
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
  if (onlyListsOfValues(space)) {
    const auto size = gridSize(space);
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
  const std::optional<std::size_t> budget =
      maxTrials ? maxTrials : (space.finite() ? gridSize(space) : std::nullopt);
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
