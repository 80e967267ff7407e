#pragma once

#include <cstddef>
#include <vector>

#include "core/Rng.h"
#include "search/Strategy.h"

namespace tunelab {

/// A trial as NSGA-II's selection sees it: its objectives (to minimise), and once ranked, its
/// front (0: the Pareto front) and crowding distance within that front.
struct Individual {
  TrialId id = 0;
  std::vector<double> values;
  std::size_t rank = 0;
  double crowding = 0;
};

/// NSGA-II's survivors: the best `size` of `pool` by non-dominated rank, the last front that
/// fits only in part cut by crowding distance (larger first; equal ones by trial id). Returned
/// ranked, in the order chosen.
std::vector<Individual> selectElite(std::vector<Individual> pool, std::size_t size);

/// A binary tournament by the crowded comparison: of two individuals drawn at random, the one of
/// the lower rank, then of the larger crowding distance; the first drawn when they tie.
const Individual& tournament(const std::vector<Individual>& parents, Rng& rng);

}  // namespace tunelab
