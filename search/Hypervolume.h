#pragma once

#include <span>
#include <vector>

#include "core/Export.h"
#include "search/Pareto.h"

namespace tunelab {

/// The hypervolume of `points` (every objective minimised) against `reference`: the measure of
/// the region that some point dominates and that dominates the reference point. Points that do
/// not dominate the reference strictly in every objective add nothing. Exact: a sweep in two
/// dimensions, slicing along the last objective above (fine for fronts of a few hundred points
/// in three or four dimensions).
TUNELAB_API double hypervolume(const ObjectivePoints& points, std::span<const double> reference);

}  // namespace tunelab
