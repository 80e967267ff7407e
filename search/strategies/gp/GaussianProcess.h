#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <vector>

#include "core/Rng.h"

namespace tunelab {

/// Hyperparameters of a Matern 5/2 kernel with one length scale per dimension, in log space.
struct GpHyperparameters {
  std::vector<double> logLengthScales;
  double logSignalVariance = 0.0;
  double logNoiseVariance = -9.2;  // ~1e-4
  std::vector<double> packed() const;
  static GpHyperparameters unpack(const std::vector<double>& v);
};

/// Gaussian-process regression on inputs in [0, 1]^d: Matern 5/2 ARD kernel, Cholesky with
/// jitter, hyperparameters by maximising the log marginal likelihood (NLopt L-BFGS with the
/// analytic gradient, several starts). Targets are standardised inside.
class GaussianProcess {
 public:
  /// Fits to (x rows, y) with `start` as the first start of the hyperparameter search and
  /// `restarts` more random starts. `optimize` = false keeps `start` as it is.
  void fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const GpHyperparameters& start,
           bool optimize, int restarts, Rng& rng);

  /// Posterior mean and variance of the latent function at x, in the units of y.
  void predict(const Eigen::VectorXd& x, double& mean, double& variance) const;
  /// The same for every row of `points` at once (one triangular solve for all of them).
  void predictMany(const Eigen::MatrixXd& points, Eigen::VectorXd& mean,
                   Eigen::VectorXd& variance) const;

  /// Log marginal likelihood of the standardised targets, and its gradient by the packed
  /// hyperparameters (when gradient is not null).
  double logMarginalLikelihood(const std::vector<double>& packed,
                               std::vector<double>* gradient) const;

  const GpHyperparameters& hyperparameters() const { return hyper_; }
  double yMean() const { return yMean_; }
  double yScale() const { return yScale_; }

  /// The kernel between two points.
  static double kernel(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                       const GpHyperparameters& h);
  /// The kernel between every row of a and every row of b.
  static Eigen::MatrixXd kernelMatrix(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                                      const GpHyperparameters& h);

 private:
  void factorize();

  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;  // standardised
  double yMean_ = 0.0;
  double yScale_ = 1.0;
  GpHyperparameters hyper_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
  Eigen::VectorXd alpha_;
};

}  // namespace tunelab
