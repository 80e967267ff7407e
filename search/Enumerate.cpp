#include "search/Enumerate.h"

#include <functional>
#include <limits>

#include "core/Error.h"

namespace tunelab {

namespace {

// Calls `each` with every point of a finite space, in the order enumeratePoints documents;
// throws as enumeratePoints does once there are more than `limit`.
void forEachPoint(const SearchSpace& space, const std::string& strategy, std::size_t limit,
                  const std::function<void(const nlohmann::json&)>& each) {
  const auto& parameters = space.parameters();
  for (const auto& p : parameters) {
    if (!p.finite()) {
      throw ConfigError("parameters." + p.name,
                        strategy + " needs a finite list of values for '" + p.name +
                            "': give values: [...], or q: <step> to quantise min..max");
    }
  }
  std::size_t count = 0;
  nlohmann::json current = nlohmann::json::object();
  std::function<void(std::size_t)> visit = [&](std::size_t index) {
    if (index == parameters.size()) {
      if (count == limit) {
        throw ConfigError("parameters", "the space has more than " + std::to_string(limit) +
                                            " points; " + strategy + " cannot list them all");
      }
      ++count;
      each(current);
      return;
    }
    const Parameter& p = parameters[index];
    if (!space.active(p, current)) {
      visit(index + 1);
      return;
    }
    for (std::size_t i = 0; i < p.cardinality(); ++i) {
      current[p.name] = p.valueAt(i);
      visit(index + 1);
    }
    current.erase(p.name);
  };
  visit(0);
}

}  // namespace

std::vector<nlohmann::json> enumeratePoints(const SearchSpace& space, const std::string& strategy,
                                            std::size_t limit) {
  std::vector<nlohmann::json> points;
  forEachPoint(space, strategy, limit, [&](const nlohmann::json& p) { points.push_back(p); });
  return points;
}

std::size_t countPoints(const SearchSpace& space, const std::string& strategy, std::size_t limit) {
  std::size_t count = 0;
  forEachPoint(space, strategy, limit, [&](const nlohmann::json&) { ++count; });
  return count;
}

TrialBudget modelBasedBudget(const SearchSpace& space, std::optional<std::size_t> maxTrials,
                             const std::string& strategy) {
  if (space.dimensions() == 0) {
    throw ConfigError("parameters", strategy + " needs at least one parameter to search");
  }
  TrialBudget budget{maxTrials.value_or(std::numeric_limits<std::size_t>::max()), std::nullopt};
  if (space.finite()) {
    try {
      budget.finiteSize = countPoints(space, strategy);
      budget.limit = std::min(budget.limit, *budget.finiteSize);
    } catch (const ConfigError&) {
      // More points than can be listed: only max_trials limits the search.
    }
  } else if (!maxTrials) {
    throw ConfigError("max_trials", strategy + " search over a continuous space needs max_trials");
  }
  return budget;
}

}  // namespace tunelab
