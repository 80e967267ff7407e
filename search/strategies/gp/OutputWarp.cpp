#include "search/strategies/gp/OutputWarp.h"

#include <cmath>
#include <limits>

namespace tunelab {

double yeoJohnson(double x, double lambda) {
  if (x >= 0) {
    return std::abs(lambda) < 1e-9 ? std::log1p(x) : (std::pow(x + 1, lambda) - 1) / lambda;
  }
  return std::abs(lambda - 2) < 1e-9 ? -std::log1p(-x)
                                     : -(std::pow(1 - x, 2 - lambda) - 1) / (2 - lambda);
}

Eigen::VectorXd warpTargets(const Eigen::VectorXd& y, double* lambda) {
  const auto n = static_cast<double>(y.size());
  auto standardise = [n](const Eigen::VectorXd& v) {
    const double mean = v.mean();
    const double sd = n > 1 ? std::sqrt((v.array() - mean).square().sum() / (n - 1)) : 0.0;
    return Eigen::VectorXd((v.array() - mean) / (sd > 1e-12 ? sd : 1.0));
  };
  const Eigen::VectorXd s = standardise(y);
  double bestLambda = 1.0;
  if (y.size() >= 3) {
    const double jacobianTerm = (s.array().sign() * s.array().abs().log1p()).sum();
    double bestLikelihood = -std::numeric_limits<double>::infinity();
    for (int step = -20; step <= 20; ++step) {
      const double l = 0.1 * step;
      const Eigen::VectorXd t = s.unaryExpr([l](double x) { return yeoJohnson(x, l); });
      const double variance = (t.array() - t.mean()).square().sum() / n;
      if (!(variance > 1e-300) || !std::isfinite(variance)) continue;
      const double likelihood = -0.5 * n * std::log(variance) + (l - 1) * jacobianTerm;
      if (likelihood > bestLikelihood) {
        bestLikelihood = likelihood;
        bestLambda = l;
      }
    }
  }
  if (lambda != nullptr) *lambda = bestLambda;
  return standardise(s.unaryExpr([bestLambda](double x) { return yeoJohnson(x, bestLambda); }));
}

}  // namespace tunelab
