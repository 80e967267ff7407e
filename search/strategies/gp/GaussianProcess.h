#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <vector>

#include "core/Rng.h"
#include "search/strategies/gp/GrowingCholesky.h"

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
/// Targets are standardised inside. Between hyperparameter fits the model is conditioned on
/// new points by extending its Cholesky factor (O(n^2) a point, not O(n^3)).
class GaussianProcess {
 public:
  /// `categorical[d]`: whether dimension d is a categorical parameter (empty: none is).
  explicit GaussianProcess(std::vector<bool> categorical = {});

  /// Fits the hyperparameters to (points, y) from `start` when `optimize` (else takes `start`)
  /// and conditions the model on them.
  void fit(const GpPoints& points, const Eigen::VectorXd& y, const GpHyperparameters& start,
           bool optimize, int restarts, Rng& rng);
  /// The same with every coordinate active.
  void fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const GpHyperparameters& start,
           bool optimize, int restarts, Rng& rng);

  /// Conditions the model on (points, y) with its current hyperparameters. The factor keeps
  /// the rows of the leading points it already holds and adds a row per new point; the result
  /// is bit-identical to conditioning a fresh model with the same hyperparameters.
  void condition(const GpPoints& points, const Eigen::VectorXd& y);
  /// Sets the hyperparameters; the factor is dropped when they differ from the current ones.
  void setHyperparameters(const GpHyperparameters& h);

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
  static constexpr double kBaseJitter = 1e-10;

  // The squared distance in dimension d between every point of a and every point of b.
  Eigen::MatrixXd squaredDistances(const GpPoints& a, const GpPoints& b, Eigen::Index d) const;
  // The kernel between every point of a and points first .. first + out.cols() - 1 of b.
  void crossCovariances(const GpPoints& a, const GpPoints& b, Eigen::Index first,
                        const GpHyperparameters& h, Eigen::Ref<Eigen::MatrixXd> out) const;
  // The kernel between point i and point j of `points`, one scalar at a time (a fixed order).
  double kernelBetween(const GpPoints& points, Eigen::Index i, Eigen::Index j) const;
  void setLikelihoodData(const GpPoints& points, const Eigen::VectorXd& y);
  void standardise(const Eigen::VectorXd& y);
  GpHyperparameters optimizeHyperparameters(const GpHyperparameters& start, int restarts,
                                            Rng& rng) const;
  // Rows keep .. n-1 of the factor of `points`, raising the jitter (and starting again) when
  // a pivot is not positive.
  void extendFactor(const GpPoints& points, Eigen::Index keep);
  bool appendRows(const GpPoints& points, Eigen::Index from);

  std::vector<bool> categorical_;
  GpPoints points_;
  std::vector<Eigen::MatrixXd> trainingDistances_;  // per dimension, for the likelihood
  Eigen::VectorXd likelihoodY_;                     // standardised, for the likelihood
  Eigen::VectorXd y_;                               // standardised
  double yMean_ = 0.0;
  double yScale_ = 1.0;
  GpHyperparameters hyper_;
  GrowingCholesky factor_;  // of the kernel matrix of points_, noise and jitter_ added
  double jitter_ = kBaseJitter;
  // The last row at which a smaller jitter failed (-1: none did). The factor's jitter is the
  // smallest that works for every prefix of points_ that includes this row.
  Eigen::Index jitterRaisedAt_ = -1;
  Eigen::VectorXd alpha_;
  // logMarginalLikelihood's n x n matrices: distances, exp(-sqrt5 r), K (then its factor) and
  // alpha alpha^T - K^-1, kept between evaluations.
  struct LikelihoodWorkspace {
    Eigen::MatrixXd r, e, k, w;
  };
  mutable LikelihoodWorkspace likelihoodWork_;
  // predictMany's buffer, kept between calls (so the model is not safe to share by threads).
  mutable Eigen::VectorXd workspace_;
};

}  // namespace tunelab
