#include "search/strategies/gp/GaussianProcess.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlopt.hpp>
#include <numbers>

namespace tunelab {

namespace {

const double kSqrt5 = std::sqrt(5.0);
// Bounds in log space: length scales from 0.005 to 20 cube widths, signal variance of the
// standardised targets from 0.05 to 20, noise from 1e-6 (the floor) to 0.5.
constexpr double kLogLengthMin = -5.3;
constexpr double kLogLengthMax = 3.0;
constexpr double kLogSignalMin = -3.0;
constexpr double kLogSignalMax = 3.0;
constexpr double kLogNoiseMin = -13.8;
constexpr double kLogNoiseMax = -0.7;

// Matern 5/2 of r (without the signal variance), and g(r) with dk/dlog(l_d) = g(r) * D_d / l_d^2.
Eigen::ArrayXXd matern(const Eigen::ArrayXXd& r) {
  return (1.0 + kSqrt5 * r + 5.0 / 3.0 * r.square()) * (-kSqrt5 * r).exp();
}
Eigen::ArrayXXd maternLengthFactor(const Eigen::ArrayXXd& r) {
  return 5.0 / 3.0 * (1.0 + kSqrt5 * r) * (-kSqrt5 * r).exp();
}

}  // namespace

std::vector<double> GpHyperparameters::packed() const {
  std::vector<double> v = logLengthScales;
  v.push_back(logSignalVariance);
  v.push_back(logNoiseVariance);
  return v;
}

GpHyperparameters GpHyperparameters::unpack(const std::vector<double>& v) {
  GpHyperparameters h;
  h.logLengthScales.assign(v.begin(), v.end() - 2);
  h.logSignalVariance = v[v.size() - 2];
  h.logNoiseVariance = v.back();
  return h;
}

GpPoints GpPoints::allActive(const Eigen::MatrixXd& x) {
  return {x, Eigen::MatrixXd::Ones(x.rows(), x.cols())};
}

GaussianProcess::GaussianProcess(std::vector<bool> categorical)
    : categorical_(std::move(categorical)) {}

Eigen::MatrixXd GaussianProcess::squaredDistances(const GpPoints& a, const GpPoints& b,
                                                  Eigen::Index d) const {
  const bool category = static_cast<std::size_t>(d) < categorical_.size() &&
                        categorical_[static_cast<std::size_t>(d)];
  Eigen::ArrayXXd delta = a.x.col(d).replicate(1, b.x.rows()).array();
  delta.rowwise() -= b.x.col(d).transpose().array();
  const Eigen::ArrayXXd distance =
      category ? (delta.abs() > 1e-9).cast<double>() : Eigen::ArrayXXd(delta.square());
  return (distance * (a.active.col(d) * b.active.col(d).transpose()).array()).matrix();
}

Eigen::MatrixXd GaussianProcess::kernelMatrix(const GpPoints& a, const GpPoints& b,
                                              const GpHyperparameters& h) const {
  // One pass without temporaries: scoring a thousand candidates is most of an ask's time.
  const Eigen::Index dims = a.x.cols();
  std::vector<double> inverse(static_cast<std::size_t>(dims));
  std::vector<bool> category(static_cast<std::size_t>(dims));
  for (Eigen::Index d = 0; d < dims; ++d) {
    inverse[std::size_t(d)] = std::exp(-2.0 * h.logLengthScales[std::size_t(d)]);
    category[std::size_t(d)] = std::size_t(d) < categorical_.size() && categorical_[std::size_t(d)];
  }
  Eigen::MatrixXd r2 = Eigen::MatrixXd::Zero(a.x.rows(), b.x.rows());
  for (Eigen::Index d = 0; d < dims; ++d) {
    const double w = inverse[std::size_t(d)];
    const bool c = category[std::size_t(d)];
    for (Eigen::Index j = 0; j < b.x.rows(); ++j) {
      const double bj = b.x(j, d);
      const double mj = b.active(j, d) * w;
      if (mj == 0.0) continue;
      for (Eigen::Index i = 0; i < a.x.rows(); ++i) {
        const double delta = a.x(i, d) - bj;
        const double distance = c ? (std::abs(delta) > 1e-9 ? 1.0 : 0.0) : delta * delta;
        r2(i, j) += a.active(i, d) * mj * distance;
      }
    }
  }
  return (std::exp(h.logSignalVariance) * matern(r2.array().max(0.0).sqrt())).matrix();
}

double GaussianProcess::logMarginalLikelihood(const std::vector<double>& packed,
                                              std::vector<double>* gradient) const {
  const GpHyperparameters h = GpHyperparameters::unpack(packed);
  const Eigen::Index n = points_.x.rows();
  const auto dims = static_cast<Eigen::Index>(trainingDistances_.size());
  const double signal = std::exp(h.logSignalVariance);
  const double noise = std::exp(h.logNoiseVariance);
  Eigen::MatrixXd r2 = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index d = 0; d < dims; ++d) {
    r2 += trainingDistances_[std::size_t(d)] * std::exp(-2.0 * h.logLengthScales[std::size_t(d)]);
  }
  const Eigen::ArrayXXd r = r2.array().max(0.0).sqrt();
  Eigen::MatrixXd k = (signal * matern(r)).matrix();
  k.diagonal().array() += noise + 1e-10;
  const Eigen::LLT<Eigen::MatrixXd> llt(k);
  if (llt.info() != Eigen::Success) return -1e10;
  const Eigen::VectorXd alpha = llt.solve(y_);
  const double logDet = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
  const double lml = -0.5 * y_.dot(alpha) - 0.5 * logDet -
                     0.5 * static_cast<double>(n) * std::log(2.0 * std::numbers::pi);
  if (gradient != nullptr) {
    // d lml / d theta = 0.5 tr((alpha alpha^T - K^-1) dK/dtheta)
    const Eigen::MatrixXd w =
        alpha * alpha.transpose() - llt.solve(Eigen::MatrixXd::Identity(n, n));
    gradient->assign(packed.size(), 0.0);
    const Eigen::ArrayXXd weighted = w.array() * (signal * maternLengthFactor(r));
    for (Eigen::Index d = 0; d < dims; ++d) {
      (*gradient)[std::size_t(d)] = 0.5 *
                                    (weighted * trainingDistances_[std::size_t(d)].array()).sum() *
                                    std::exp(-2.0 * h.logLengthScales[std::size_t(d)]);
    }
    const Eigen::MatrixXd kSignal = k - Eigen::MatrixXd::Identity(n, n) * (noise + 1e-10);
    (*gradient)[std::size_t(dims)] = 0.5 * (w.array() * kSignal.array()).sum();
    (*gradient)[std::size_t(dims) + 1] = 0.5 * noise * w.trace();
  }
  return lml;
}

double GaussianProcess::logPrior(const std::vector<double>& packed,
                                 std::vector<double>* gradient) const {
  const std::size_t dims = packed.size() - 2;
  double logp = 0.0;
  // On the inverse squared length scale t = 1 / l^2: -(0.1 / t + 0.1 t), largest at l = 1 and
  // falling off for length scales far below 0.1 or far above 10 cube widths.
  for (std::size_t d = 0; d < dims; ++d) {
    const double t = std::exp(-2.0 * packed[d]);
    logp -= 0.1 / t + 0.1 * t;
    if (gradient != nullptr) (*gradient)[d] += -0.2 / t + 0.2 * t;
  }
  // Gamma(a, b) densities of the variances, in log space (the Jacobian included).
  auto gamma = [&](std::size_t i, double a, double b) {
    const double v = std::exp(packed[i]);
    logp += a * packed[i] - b * v;
    if (gradient != nullptr) (*gradient)[i] += a - b * v;
  };
  gamma(dims, 2.0, 1.0);
  gamma(dims + 1, 1.1, 30.0);
  return logp;
}

void GaussianProcess::fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                          const GpHyperparameters& start, bool optimize, int restarts, Rng& rng) {
  fit(GpPoints::allActive(x), y, start, optimize, restarts, rng);
}

void GaussianProcess::fit(const GpPoints& points, const Eigen::VectorXd& y,
                          const GpHyperparameters& start, bool optimize, int restarts, Rng& rng) {
  points_ = points;
  yMean_ = y.mean();
  const double variance =
      y.size() > 1 ? (y.array() - yMean_).square().sum() / double(y.size() - 1) : 0.0;
  yScale_ = variance > 1e-12 ? std::sqrt(variance) : 1.0;
  y_ = (y.array() - yMean_) / yScale_;
  hyper_ = start;
  hyper_.logLengthScales.resize(static_cast<std::size_t>(points.x.cols()), std::log(0.3));
  trainingDistances_.clear();
  for (Eigen::Index d = 0; d < points.x.cols(); ++d)
    trainingDistances_.push_back(squaredDistances(points, points, d));
  if (optimize && points.x.rows() >= 2) optimizeHyperparameters(restarts, rng);
  factorize();
}

void GaussianProcess::optimizeHyperparameters(int restarts, Rng& rng) {
  const std::size_t dims = trainingDistances_.size();
  std::vector<double> lower(dims, kLogLengthMin);
  std::vector<double> upper(dims, kLogLengthMax);
  lower.insert(lower.end(), {kLogSignalMin, kLogNoiseMin});
  upper.insert(upper.end(), {kLogSignalMax, kLogNoiseMax});
  auto posterior = [](const std::vector<double>& v, std::vector<double>& grad, void* self) {
    const auto* gp = static_cast<const GaussianProcess*>(self);
    std::vector<double> g;
    double value = gp->logMarginalLikelihood(v, grad.empty() ? nullptr : &g);
    if (!grad.empty()) g.resize(v.size(), 0.0);
    value += gp->logPrior(v, grad.empty() ? nullptr : &g);
    for (std::size_t i = 0; i < grad.size(); ++i) grad[i] = -g[i];
    return -value;
  };
  std::vector<double> best = hyper_.packed();
  for (std::size_t i = 0; i < best.size(); ++i) best[i] = std::clamp(best[i], lower[i], upper[i]);
  std::vector<double> unused;
  double bestValue = -posterior(best, unused, this);
  for (int attempt = 0; attempt <= restarts; ++attempt) {
    std::vector<double> point = best;
    if (attempt > 0) {
      // Restarts near the priors' centre (length 1, signal 1, small noise), not the bounds.
      for (std::size_t i = 0; i < dims; ++i) point[i] = 0.7 * (2 * rng.uniformDouble() - 1);
      point[dims] = 0.5 * (2 * rng.uniformDouble() - 1);
      point[dims + 1] = -8.0 + 4.0 * rng.uniformDouble();
    }
    nlopt::opt optimizer(nlopt::LD_LBFGS, static_cast<unsigned>(point.size()));
    optimizer.set_lower_bounds(lower);
    optimizer.set_upper_bounds(upper);
    optimizer.set_maxeval(attempt == 0 ? 40 : 30);
    optimizer.set_ftol_rel(1e-6);
    optimizer.set_min_objective(posterior, this);
    double value = 0.0;
    try {
      optimizer.optimize(point, value);
    } catch (const std::exception&) {
      // Round-off near an optimum: the point NLopt holds is still the best it found.
      value = posterior(point, unused, this);
    }
    if (-value > bestValue) {
      bestValue = -value;
      best = point;
    }
  }
  hyper_ = GpHyperparameters::unpack(best);
}

void GaussianProcess::factorize() {
  Eigen::MatrixXd k = kernelMatrix(points_, points_, hyper_);
  const double noise = std::exp(hyper_.logNoiseVariance);
  // Jitter grows until the factorisation succeeds (duplicate or near-duplicate inputs).
  for (double jitter = 1e-10; jitter < 1.0; jitter *= 10.0) {
    Eigen::MatrixXd kj = k;
    kj.diagonal().array() += noise + jitter;
    llt_.compute(kj);
    if (llt_.info() == Eigen::Success) break;
  }
  alpha_ = llt_.solve(y_);
}

void GaussianProcess::predictMany(const GpPoints& points, Eigen::VectorXd& mean,
                                  Eigen::VectorXd& variance) const {
  const Eigen::MatrixXd kStar = kernelMatrix(points_, points, hyper_);  // n x m
  mean = (kStar.transpose() * alpha_).array() * yScale_ + yMean_;
  const Eigen::MatrixXd v = llt_.matrixL().solve(kStar);
  variance = ((std::exp(hyper_.logSignalVariance) - v.colwise().squaredNorm().array()).max(1e-12) *
              (yScale_ * yScale_))
                 .matrix()
                 .transpose();
}

void GaussianProcess::predict(const Eigen::VectorXd& x, double& mean, double& variance) const {
  Eigen::VectorXd m;
  Eigen::VectorXd v;
  predictMany(GpPoints::allActive(x.transpose()), m, v);
  mean = m[0];
  variance = v[0];
}

}  // namespace tunelab
