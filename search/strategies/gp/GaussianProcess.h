#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <vector>

#include "core/Rng.h"

namespace tunelab {

/// Hyperparameters of the kernel, in log space: one length scale per dimension, the signal
/// variance and the noise variance (of the standardised targets).
struct GpHyperparameters {
  std::vector<double> logLengthScales;
  double logSignalVariance = 0.0;
  double logNoiseVariance = -6.0;  // ~2.5e-3
  std::vector<double> packed() const;
  static GpHyperparameters unpack(const std::vector<double>& v);
};

/// Points in the encoded cube [0, 1]^d, with which coordinates are active (1) or not (0) in
/// each point: an inactive coordinate (a conditional parameter whose condition does not hold)
/// takes no part in any distance.
struct GpPoints {
  Eigen::MatrixXd x;
  Eigen::MatrixXd active;
  /// All coordinates active.
  static GpPoints allActive(const Eigen::MatrixXd& x);
};

/// Gaussian-process regression on the encoded cube. The kernel is Matern 5/2 of
///   r^2 = sum_d active_d(a) active_d(b) distance_d(a, b)^2 / length_d^2,
/// where a numeric coordinate's distance is |a_d - b_d| and a categorical one's is 0 for the
/// same value and 1 otherwise (a Hamming kernel, as Optuna's GPSampler and BoTorch's mixed
/// models: categories are not ordered). Hyperparameters maximise the log marginal likelihood
/// plus log priors (Optuna's GPSampler as the anchor: on the inverse squared length scales,
/// Gamma(2, 1) on the signal and Gamma(1.1, 30) on the noise variance, with a noise floor of
/// 1e-6), by NLopt L-BFGS with the analytic gradient from a warm start and random restarts.
/// Targets are standardised inside.
class GaussianProcess {
 public:
  /// `categorical[d]`: whether dimension d is a categorical parameter (empty: none is).
  explicit GaussianProcess(std::vector<bool> categorical = {});

  void fit(const GpPoints& points, const Eigen::VectorXd& y, const GpHyperparameters& start,
           bool optimize, int restarts, Rng& rng);
  /// The same with every coordinate active.
  void fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const GpHyperparameters& start,
           bool optimize, int restarts, Rng& rng);

  /// Posterior mean and variance of the latent function at each point, in the units of y.
  void predictMany(const GpPoints& points, Eigen::VectorXd& mean, Eigen::VectorXd& variance) const;
  void predict(const Eigen::VectorXd& x, double& mean, double& variance) const;

  /// Log marginal likelihood of the standardised targets, and its gradient by the packed
  /// hyperparameters (when gradient is not null).
  double logMarginalLikelihood(const std::vector<double>& packed,
                               std::vector<double>* gradient) const;
  /// The log prior density of packed hyperparameters, adding its gradient to `gradient`.
  double logPrior(const std::vector<double>& packed, std::vector<double>* gradient) const;

  const GpHyperparameters& hyperparameters() const { return hyper_; }
  double yMean() const { return yMean_; }
  double yScale() const { return yScale_; }

  /// The kernel between every point of a and every point of b.
  Eigen::MatrixXd kernelMatrix(const GpPoints& a, const GpPoints& b,
                               const GpHyperparameters& h) const;

 private:
  // The squared distance in dimension d between every point of a and every point of b.
  Eigen::MatrixXd squaredDistances(const GpPoints& a, const GpPoints& b, Eigen::Index d) const;
  void optimizeHyperparameters(int restarts, Rng& rng);
  void factorize();

  std::vector<bool> categorical_;
  GpPoints points_;
  std::vector<Eigen::MatrixXd> trainingDistances_;  // per dimension, for the likelihood
  Eigen::VectorXd y_;                               // standardised
  double yMean_ = 0.0;
  double yScale_ = 1.0;
  GpHyperparameters hyper_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
  Eigen::VectorXd alpha_;
};

}  // namespace tunelab
