#include "search/strategies/nsga2/EliteSelection.h"

#include <algorithm>

#include "search/Pareto.h"

namespace tunelab {

std::vector<Individual> selectElite(std::vector<Individual> pool, std::size_t size) {
  std::sort(pool.begin(), pool.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  ObjectivePoints points;
  points.reserve(pool.size());
  for (const auto& individual : pool) points.push_back(individual.values);
  std::vector<Individual> elite;
  const auto fronts = nonDominatedFronts(points);
  for (std::size_t rank = 0; rank < fronts.size() && elite.size() < size; ++rank) {
    const auto& front = fronts[rank];
    const auto crowding = crowdingDistances(points, front);
    std::vector<Individual> members;
    for (std::size_t i = 0; i < front.size(); ++i) {
      Individual member = pool[front[i]];
      member.rank = rank;
      member.crowding = crowding[i];
      members.push_back(std::move(member));
    }
    // Stable: of equal distances, the earlier trial first.
    std::stable_sort(members.begin(), members.end(),
                     [](const auto& a, const auto& b) { return a.crowding > b.crowding; });
    const std::size_t room = std::min(size - elite.size(), members.size());
    elite.insert(elite.end(), members.begin(), members.begin() + static_cast<std::ptrdiff_t>(room));
  }
  return elite;
}

const Individual& tournament(const std::vector<Individual>& parents, Rng& rng) {
  const auto& a = parents[static_cast<std::size_t>(rng.below(parents.size()))];
  const auto& b = parents[static_cast<std::size_t>(rng.below(parents.size()))];
  if (b.rank != a.rank) return b.rank < a.rank ? b : a;
  return b.crowding > a.crowding ? b : a;
}

}  // namespace tunelab
