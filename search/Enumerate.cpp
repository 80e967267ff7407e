#include "search/Enumerate.h"

#include <functional>

#include "core/Error.h"

namespace tunelab {

std::vector<nlohmann::json> enumeratePoints(const SearchSpace& space, const std::string& strategy,
                                            std::size_t limit) {
  const auto& parameters = space.parameters();
  for (const auto& p : parameters) {
    if (!p.finite()) {
      throw ConfigError("parameters." + p.name,
                        strategy + " needs a finite list of values for '" + p.name +
                            "': give values: [...], or q: <step> to quantise min..max");
    }
  }
  std::vector<nlohmann::json> points;
  nlohmann::json current = nlohmann::json::object();
  std::function<void(std::size_t)> visit = [&](std::size_t index) {
    if (index == parameters.size()) {
      if (points.size() == limit) {
        throw ConfigError("parameters", "the space has more than " + std::to_string(limit) +
                                            " points; " + strategy + " cannot list them all");
      }
      points.push_back(current);
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
  return points;
}

}  // namespace tunelab
