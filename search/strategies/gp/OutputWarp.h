#pragma once

#include <Eigen/Core>

namespace tunelab {

/// The targets standardised and passed through a Yeo-Johnson power transform whose exponent
/// maximises the likelihood of a normal fit (HEBO warps its outputs so): objectives with a
/// long tail of bad values (a loss that explodes, an ill-conditioned function) become closer
/// to what a Gaussian process models well. Order-preserving, so the best trial stays the best.
/// `lambda` receives the chosen exponent (1 leaves the standardised targets as they are).
Eigen::VectorXd warpTargets(const Eigen::VectorXd& y, double* lambda = nullptr);

/// The Yeo-Johnson transform of one value.
double yeoJohnson(double x, double lambda);

}  // namespace tunelab
