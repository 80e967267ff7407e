#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "search/SearchSpace.h"
#include "search/strategies/gp/Acquisition.h"
#include "search/strategies/gp/GaussianProcess.h"

namespace tunelab {

/// A point of the encoded cube with which of its coordinates are active.
struct EncodedPoint {
  std::vector<double> u;
  std::vector<double> active;
};

/// The encoding of an assignment: finite kinds at their bins' centres, inactive parameters
/// at 0.5 and marked inactive.
EncodedPoint encodeTrial(const SearchSpace& space, const nlohmann::json& assignment);
/// The encoding of the trial that a raw point of the cube decodes to (what would run).
EncodedPoint tidyPoint(const SearchSpace& space, std::span<const double> u);
GpPoints toGpPoints(const std::vector<EncodedPoint>& points);
/// Which encoded dimensions are categorical parameters.
std::vector<bool> categoricalDimensions(const SearchSpace& space);

/// Scores candidates by an acquisition function of a fitted GP, always at the trial a
/// candidate becomes: a raw point and its tidied form score the same.
class CandidateScorer {
 public:
  CandidateScorer(const SearchSpace& space, const GaussianProcess& gp, AcquisitionKind kind,
                  double best, double kappa);
  /// The acquisition of the trial `u` decodes to.
  double score(std::span<const double> u) const;
  /// The acquisition of each point, which must be tidied already.
  std::vector<double> scoreTidied(const std::vector<EncodedPoint>& points) const;
  const SearchSpace& space() const { return space_; }

 private:
  const SearchSpace& space_;
  const GaussianProcess& gp_;
  AcquisitionKind kind_;
  double best_;
  double kappa_;
};

}  // namespace tunelab
