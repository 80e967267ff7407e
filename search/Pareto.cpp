#include "search/Pareto.h"

#include <algorithm>
#include <limits>

namespace tunelab {

bool dominates(std::span<const double> a, std::span<const double> b) {
  bool better = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    better = better || a[i] < b[i];
  }
  return better;
}

std::vector<std::vector<std::size_t>> nonDominatedFronts(const ObjectivePoints& points) {
  const std::size_t n = points.size();
  std::vector<std::vector<std::size_t>> dominated(n);  // the points each one dominates
  std::vector<std::size_t> dominators(n, 0);           // how many points dominate each one
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (dominates(points[i], points[j])) {
        dominated[i].push_back(j);
        ++dominators[j];
      } else if (dominates(points[j], points[i])) {
        dominated[j].push_back(i);
        ++dominators[i];
      }
    }
  }
  std::vector<std::vector<std::size_t>> fronts;
  std::vector<std::size_t> current;
  for (std::size_t i = 0; i < n; ++i) {
    if (dominators[i] == 0) current.push_back(i);
  }
  while (!current.empty()) {
    std::vector<std::size_t> next;
    for (std::size_t i : current) {
      for (std::size_t j : dominated[i]) {
        if (--dominators[j] == 0) next.push_back(j);
      }
    }
    std::sort(next.begin(), next.end());
    fronts.push_back(std::move(current));
    current = std::move(next);
  }
  return fronts;
}

std::vector<bool> paretoMask(const ObjectivePoints& points) {
  std::vector<bool> mask(points.size(), false);
  if (points.empty()) return mask;
  const auto fronts = nonDominatedFronts(points);
  for (std::size_t i : fronts.front()) mask[i] = true;
  return mask;
}

std::vector<double> crowdingDistances(const ObjectivePoints& points,
                                      std::span<const std::size_t> front) {
  const std::size_t n = front.size();
  std::vector<double> distance(n, 0.0);
  if (n == 0) return distance;
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  std::vector<std::size_t> order(n);
  for (std::size_t m = 0; m < points[front[0]].size(); ++m) {
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    auto value = [&](std::size_t i) { return points[front[i]][m]; };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return value(a) < value(b); });
    distance[order.front()] = kInfinity;
    distance[order.back()] = kInfinity;
    const double range = value(order.back()) - value(order.front());
    if (range <= 0) continue;
    for (std::size_t k = 1; k + 1 < n; ++k) {
      distance[order[k]] += (value(order[k + 1]) - value(order[k - 1])) / range;
    }
  }
  return distance;
}

}  // namespace tunelab
