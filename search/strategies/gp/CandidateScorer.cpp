#include "search/strategies/gp/CandidateScorer.h"

#include <algorithm>
#include <cmath>

namespace tunelab {

EncodedPoint encodeTrial(const SearchSpace& space, const nlohmann::json& assignment) {
  EncodedPoint point{space.encode(assignment), {}};
  for (const auto& p : space.parameters()) {
    if (p.kind == Parameter::Kind::Constant) continue;
    point.active.push_back(assignment.contains(p.name) ? 1.0 : 0.0);
  }
  return point;
}

// Without conditions every parameter is active and each coordinate tidies on its own, by the
// same decode and encode as the trial's: the same point without building the trial's object
// (which was a seventh of a GP ask).
EncodedPoint tidyPoint(const SearchSpace& space, std::span<const double> u) {
  const auto& params = space.parameters();
  if (std::any_of(params.begin(), params.end(), [](const auto& p) { return p.conditional(); }))
    return encodeTrial(space, space.decode(u));
  EncodedPoint point;
  std::size_t d = 0;
  for (const auto& p : params) {
    if (p.kind == Parameter::Kind::Constant) continue;
    point.u.push_back(p.encode(p.decode(u[d++])));
    point.active.push_back(1.0);
  }
  return point;
}

GpPoints toGpPoints(const std::vector<EncodedPoint>& points) {
  const auto n = static_cast<Eigen::Index>(points.size());
  const auto d = points.empty() ? 0 : static_cast<Eigen::Index>(points.front().u.size());
  GpPoints out{Eigen::MatrixXd(n, d), Eigen::MatrixXd(n, d)};
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto& p = points[static_cast<std::size_t>(i)];
    for (Eigen::Index j = 0; j < d; ++j) {
      out.x(i, j) = p.u[static_cast<std::size_t>(j)];
      out.active(i, j) = p.active[static_cast<std::size_t>(j)];
    }
  }
  return out;
}

std::vector<bool> categoricalDimensions(const SearchSpace& space) {
  std::vector<bool> categorical;
  for (const auto& p : space.parameters()) {
    if (p.kind != Parameter::Kind::Constant)
      categorical.push_back(p.kind == Parameter::Kind::Categorical);
  }
  return categorical;
}

CandidateScorer::CandidateScorer(const SearchSpace& space, const GaussianProcess& gp,
                                 AcquisitionKind kind, double best, double kappa)
    : space_(space), gp_(gp), kind_(kind), best_(best), kappa_(kappa) {}

double CandidateScorer::score(std::span<const double> u) const {
  return scoreTidied({tidyPoint(space_, u)}).front();
}

std::vector<double> CandidateScorer::scoreTidied(const std::vector<EncodedPoint>& points) const {
  Eigen::VectorXd means;
  Eigen::VectorXd variances;
  gp_.predictMany(toGpPoints(points), means, variances);
  std::vector<double> scores(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto at = static_cast<Eigen::Index>(i);
    scores[i] = acquisition(kind_, means[at], std::sqrt(variances[at]), best_, kappa_);
  }
  return scores;
}

}  // namespace tunelab
