#pragma once

#include <vector>

#include "core/Rng.h"
#include "search/strategies/gp/CandidateScorer.h"

namespace tunelab {

struct ScoredPoint {
  double score = 0.0;
  EncodedPoint point;  // tidied: the trial that would run
};

/// Where continuous coordinates are searched: a box in the encoded cube (the trust region).
struct SearchBox {
  std::vector<double> lower;
  std::vector<double> upper;
  /// The whole cube.
  static SearchBox cube(std::size_t dims) {
    return {std::vector<double>(dims, 0.0), std::vector<double>(dims, 1.0)};
  }
};

/// Searches the acquisition over the space: `candidates` quasi-random points and points
/// around each incumbent (continuous coordinates jittered, finite ones redrawn now and then),
/// the best few refined over their continuous coordinates (BOBYQA) and over their discrete
/// neighbours (every other category, the nearest integers: moves a local search in the cube
/// cannot make across a bin), in two greedy rounds. Every point is scored as the trial it
/// becomes. Continuous coordinates stay inside `box`. Returns the points scored, best first.
std::vector<ScoredPoint> searchAcquisition(const CandidateScorer& scorer,
                                           const std::vector<EncodedPoint>& incumbents,
                                           const SearchBox& box, std::size_t candidates, Rng& rng);

/// The discrete neighbours of a tidied point: each active finite parameter moved to each
/// other category, or to the integers (quantised values) one and two steps away.
std::vector<EncodedPoint> discreteNeighbours(const SearchSpace& space, const EncodedPoint& point);

}  // namespace tunelab
