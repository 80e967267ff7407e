#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/Export.h"

namespace tunelab {

/// Points of a multi-objective study: one vector of objective values per trial, every value to
/// be minimised (a maximised objective negated), all of the same length.
using ObjectivePoints = std::vector<std::vector<double>>;

/// Whether `a` dominates `b`: no worse in every objective and better in at least one.
TUNELAB_API bool dominates(std::span<const double> a, std::span<const double> b);

/// Deb's fast non-dominated sort: the indices of `points` by front, the first front being the
/// Pareto front; within a front, in index order.
TUNELAB_API std::vector<std::vector<std::size_t>> nonDominatedFronts(const ObjectivePoints& points);

/// Whether each point is on the Pareto front (dominated by no other point; equal points are all
/// on it).
TUNELAB_API std::vector<bool> paretoMask(const ObjectivePoints& points);

/// NSGA-II's crowding distance of each point of `front` (indices into `points`), in the order of
/// `front`: the sum over objectives of the gap between its two neighbours, divided by the
/// objective's range on the front; the extremes of each objective get infinity.
TUNELAB_API std::vector<double> crowdingDistances(const ObjectivePoints& points,
                                                  std::span<const std::size_t> front);

}  // namespace tunelab
