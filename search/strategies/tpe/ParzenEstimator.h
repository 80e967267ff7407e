#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "core/Rng.h"
#include "search/SearchSpace.h"

namespace tunelab {

/// A point of some parameters in the estimator's own coordinates: a numeric parameter by its
/// encoding in [0, 1] (SearchSpace's: log scale where declared, finite kinds at bin centres),
/// a categorical one by the index of its value.
using ParzenPoint = std::vector<double>;

/// The coordinates of `params`' values in `assignment` (all of them must be active there).
ParzenPoint toParzenPoint(const std::vector<const Parameter*>& params,
                          const nlohmann::json& assignment);
/// Writes the values of a point into `assignment`.
void addParzenPoint(const std::vector<const Parameter*>& params, const ParzenPoint& point,
                    nlohmann::json& assignment);

/// The kernel density of TPE over a group of parameters (Optuna's _ParzenEstimator as the
/// anchor): one component per observation plus a prior component (uniform-like: centre 0.5,
/// width 1) weighted `priorWeight`; older observations weigh less once there are more than 25.
/// Numeric parameters get truncated normals on [0, 1] (finite ones are scored by the mass of
/// their value's bin, so a point scores as the trial that will run); categoricals get a
/// categorical kernel that puts most of its mass on the observed value. A component's width
/// in each dimension is the distance to its farther neighbouring observation (at least
/// 1 / (n + 2) of the range); a multivariate group draws and scores its dimensions jointly,
/// one component for all of them.
class ParzenEstimator {
 public:
  ParzenEstimator(std::vector<const Parameter*> params, const std::vector<ParzenPoint>& observed,
                  double priorWeight);

  /// A point drawn from the mixture.
  ParzenPoint sample(Rng& rng) const;
  /// The log density (or log probability for finite kinds) of a point.
  double logDensity(const ParzenPoint& x) const;

 private:
  struct Dimension {
    const Parameter* parameter = nullptr;
    std::vector<double> mu;                  // numeric: component centres
    std::vector<double> sigma;               // numeric: component widths
    std::vector<std::vector<double>> probs;  // categorical: per component, per value
  };
  void addNumeric(Dimension& dim, std::vector<double> observed) const;
  void addCategorical(Dimension& dim, const std::vector<double>& observed,
                      double priorWeight) const;
  double logComponent(const Dimension& dim, std::size_t k, double x) const;

  std::vector<Dimension> dims_;
  std::vector<double> weights_;  // normalised, the prior last
  bool multivariate_ = false;
};

}  // namespace tunelab
