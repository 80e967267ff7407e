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

void GaussianProcess::crossCovariances(const GpPoints& a, const GpPoints& b, Eigen::Index first,
                                       const GpHyperparameters& h,
                                       Eigen::Ref<Eigen::MatrixXd> out) const {
  const Eigen::Index dims = a.x.cols();
  std::vector<double> inverse(static_cast<std::size_t>(dims));
  std::vector<bool> category(static_cast<std::size_t>(dims));
  std::vector<bool> allActive(static_cast<std::size_t>(dims));
  for (Eigen::Index d = 0; d < dims; ++d) {
    inverse[std::size_t(d)] = std::exp(-2.0 * h.logLengthScales[std::size_t(d)]);
    category[std::size_t(d)] = std::size_t(d) < categorical_.size() && categorical_[std::size_t(d)];
    allActive[std::size_t(d)] = (a.active.col(d).array() != 0.0).all();
  }
  // Column by column (one candidate against every point of a), so each column stays in cache.
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    auto r2 = out.col(j).array();
    r2.setZero();
    for (Eigen::Index d = 0; d < dims; ++d) {
      const double w = inverse[std::size_t(d)] * b.active(first + j, d);
      if (w == 0.0) continue;
      const double bj = b.x(first + j, d);
      const auto ax = a.x.col(d).array();
      if (category[std::size_t(d)]) {
        r2 += w * ((ax - bj).abs() > 1e-9).cast<double>() * a.active.col(d).array();
      } else if (allActive[std::size_t(d)]) {
        r2 += w * (ax - bj).square();
      } else {
        r2 += w * (ax - bj).square() * a.active.col(d).array();
      }
    }
  }
  // Matern 5/2 in place, coefficient by coefficient (no temporaries).
  auto k = out.array();
  k = k.max(0.0).sqrt();
  k = std::exp(h.logSignalVariance) * (1.0 + kSqrt5 * k + 5.0 / 3.0 * k.square()) *
      (-kSqrt5 * k).exp();
}

Eigen::MatrixXd GaussianProcess::kernelMatrix(const GpPoints& a, const GpPoints& b,
                                              const GpHyperparameters& h) const {
  Eigen::MatrixXd k(a.x.rows(), b.x.rows());
  crossCovariances(a, b, 0, h, k);
  return k;
}

double GaussianProcess::logMarginalLikelihood(const std::vector<double>& packed,
                                              std::vector<double>* gradient) const {
  // Every n x n matrix lives in likelihoodWork_, reused from one evaluation to the next: the
  // hyperparameter search evaluates this some 40 to 120 times a fit.
  const GpHyperparameters h = GpHyperparameters::unpack(packed);
  const Eigen::Index n = likelihoodY_.size();
  const auto dims = static_cast<Eigen::Index>(trainingDistances_.size());
  const double signal = std::exp(h.logSignalVariance);
  const double noise = std::exp(h.logNoiseVariance);
  auto& [r, e, k, w] = likelihoodWork_;
  r.setZero(n, n);
  for (Eigen::Index d = 0; d < dims; ++d) {
    r += trainingDistances_[std::size_t(d)] * std::exp(-2.0 * h.logLengthScales[std::size_t(d)]);
  }
  r = r.array().max(0.0).sqrt().matrix();
  e = (-kSqrt5 * r.array()).exp().matrix();
  k = (signal * (1.0 + kSqrt5 * r.array() + 5.0 / 3.0 * r.array().square()) * e.array()).matrix();
  k.diagonal().array() += noise + 1e-10;
  const Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(k);  // in place: k holds the factor
  if (llt.info() != Eigen::Success) return -1e10;
  const Eigen::VectorXd alpha = llt.solve(likelihoodY_);
  const double logDet = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
  const double lml = -0.5 * likelihoodY_.dot(alpha) - 0.5 * logDet -
                     0.5 * static_cast<double>(n) * std::log(2.0 * std::numbers::pi);
  if (gradient != nullptr) {
    // d lml / d theta = 0.5 tr((alpha alpha^T - K^-1) dK/dtheta)
    w.setIdentity(n, n);
    llt.solveInPlace(w);
    w = -w;
    w.noalias() += alpha * alpha.transpose();
    gradient->assign(packed.size(), 0.0);
    (*gradient)[std::size_t(dims)] =
        0.5 * (w.array() * signal * (1.0 + kSqrt5 * r.array() + 5.0 / 3.0 * r.array().square()) *
               e.array())
                  .sum();
    (*gradient)[std::size_t(dims) + 1] = 0.5 * noise * w.trace();
    // dK/dlog(l_d) = signal * 5/3 (1 + sqrt5 r) exp(-sqrt5 r) * D_d / l_d^2.
    w.array() *= signal * 5.0 / 3.0 * (1.0 + kSqrt5 * r.array()) * e.array();
    for (Eigen::Index d = 0; d < dims; ++d) {
      (*gradient)[std::size_t(d)] = 0.5 *
                                    (w.array() * trainingDistances_[std::size_t(d)].array()).sum() *
                                    std::exp(-2.0 * h.logLengthScales[std::size_t(d)]);
    }
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

void GaussianProcess::standardise(const Eigen::VectorXd& y) {
  yMean_ = y.mean();
  const double variance =
      y.size() > 1 ? (y.array() - yMean_).square().sum() / double(y.size() - 1) : 0.0;
  yScale_ = variance > 1e-12 ? std::sqrt(variance) : 1.0;
  y_ = (y.array() - yMean_) / yScale_;
}

void GaussianProcess::setLikelihoodData(const GpPoints& points, const Eigen::VectorXd& y) {
  standardise(y);
  likelihoodY_ = y_;
  trainingDistances_.clear();
  for (Eigen::Index d = 0; d < points.x.cols(); ++d)
    trainingDistances_.push_back(squaredDistances(points, points, d));
}

void GaussianProcess::fit(const GpPoints& points, const Eigen::VectorXd& y,
                          const GpHyperparameters& start, bool optimize, int restarts, Rng& rng) {
  GpHyperparameters h = start;
  h.logLengthScales.resize(static_cast<std::size_t>(points.x.cols()), std::log(0.3));
  setLikelihoodData(points, y);
  if (optimize && points.x.rows() >= 2) h = optimizeHyperparameters(h, restarts, rng);
  setHyperparameters(h);
  condition(points, y);
}

void GaussianProcess::setHyperparameters(const GpHyperparameters& h) {
  if (h.packed() == hyper_.packed()) return;
  hyper_ = h;
  factor_.truncate(0);
  points_ = {};
  jitter_ = kBaseJitter;
  jitterRaisedAt_ = -1;
}

double GaussianProcess::kernelBetween(const GpPoints& points, Eigen::Index i,
                                      Eigen::Index j) const {
  double r2 = 0.0;
  for (Eigen::Index d = 0; d < points.x.cols(); ++d) {
    if (points.active(i, d) == 0.0 || points.active(j, d) == 0.0) continue;
    const double delta = points.x(i, d) - points.x(j, d);
    const bool category = static_cast<std::size_t>(d) < categorical_.size() &&
                          categorical_[static_cast<std::size_t>(d)];
    const double distance = category ? (std::abs(delta) > 1e-9 ? 1.0 : 0.0) : delta * delta;
    r2 += distance * std::exp(-2.0 * hyper_.logLengthScales[std::size_t(d)]);
  }
  const double r = std::sqrt(std::max(r2, 0.0));
  return std::exp(hyper_.logSignalVariance) * (1.0 + kSqrt5 * r + 5.0 / 3.0 * r * r) *
         std::exp(-kSqrt5 * r);
}

bool GaussianProcess::appendRows(const GpPoints& points, Eigen::Index from) {
  const double diagonal =
      std::exp(hyper_.logSignalVariance) + std::exp(hyper_.logNoiseVariance) + jitter_;
  std::vector<double> covariances;
  for (Eigen::Index i = from; i < points.x.rows(); ++i) {
    covariances.resize(static_cast<std::size_t>(i));
    for (Eigen::Index j = 0; j < i; ++j) covariances[std::size_t(j)] = kernelBetween(points, i, j);
    if (!factor_.append(covariances, diagonal)) {
      jitterRaisedAt_ = i;
      return false;
    }
  }
  return true;
}

void GaussianProcess::extendFactor(const GpPoints& points, Eigen::Index keep) {
  // A smaller jitter may work for a prefix that ends before the row where it failed.
  if (keep <= jitterRaisedAt_) {
    keep = 0;
    jitter_ = kBaseJitter;
    jitterRaisedAt_ = -1;
  }
  factor_.truncate(static_cast<std::size_t>(keep));
  // Jitter grows until the factorisation succeeds (duplicate or near-duplicate inputs).
  while (!appendRows(points, static_cast<Eigen::Index>(factor_.size()))) {
    jitter_ *= 10.0;
    if (jitter_ > 1e3) throw std::runtime_error("the GP's kernel matrix is not positive definite");
    factor_.truncate(0);
  }
  points_ = points;
}

void GaussianProcess::condition(const GpPoints& points, const Eigen::VectorXd& y) {
  standardise(y);
  hyper_.logLengthScales.resize(static_cast<std::size_t>(points.x.cols()), std::log(0.3));
  Eigen::Index keep = 0;
  const Eigen::Index common =
      std::min<Eigen::Index>(static_cast<Eigen::Index>(factor_.size()), points.x.rows());
  if (points_.x.cols() == points.x.cols()) {
    while (keep < common && points_.x.row(keep) == points.x.row(keep) &&
           points_.active.row(keep) == points.active.row(keep))
      ++keep;
  }
  extendFactor(points, keep);
  alpha_ = y_;
  factor_.solveLower(alpha_);
  factor_.solveUpper(alpha_);
}

GpHyperparameters GaussianProcess::optimizeHyperparameters(const GpHyperparameters& start,
                                                           int restarts, Rng& rng) const {
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
  std::vector<double> best = start.packed();
  for (std::size_t i = 0; i < best.size(); ++i) best[i] = std::clamp(best[i], lower[i], upper[i]);
  std::vector<double> unused;
  auto* self = const_cast<GaussianProcess*>(this);  // NLopt's C interface: read only
  double bestValue = -posterior(best, unused, self);
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
    optimizer.set_min_objective(posterior, self);
    double value = 0.0;
    try {
      optimizer.optimize(point, value);
    } catch (const std::exception&) {
      // Round-off near an optimum: the point NLopt holds is still the best it found.
      value = posterior(point, unused, self);
    }
    if (-value > bestValue) {
      bestValue = -value;
      best = point;
    }
  }
  return GpHyperparameters::unpack(best);
}

void GaussianProcess::predictMany(const GpPoints& points, Eigen::VectorXd& mean,
                                  Eigen::VectorXd& variance) const {
  // Candidates in blocks, in a buffer kept between calls: a fresh n x 1024 matrix per ask
  // cost more in page faults than the arithmetic, and a block's columns stay in cache.
  constexpr Eigen::Index kBlock = 128;
  const Eigen::Index n = points_.x.rows();
  const Eigen::Index m = points.x.rows();
  mean.resize(m);
  variance.resize(m);
  if (workspace_.size() < n * std::min(m, kBlock)) workspace_.resize(n * std::min(m, kBlock));
  const double signal = std::exp(hyper_.logSignalVariance);
  for (Eigen::Index first = 0; first < m; first += kBlock) {
    const Eigen::Index count = std::min(kBlock, m - first);
    Eigen::Map<Eigen::MatrixXd> k(workspace_.data(), n, count);
    crossCovariances(points_, points, first, hyper_, k);
    mean.segment(first, count) = (k.transpose() * alpha_).array() * yScale_ + yMean_;
    factor_.solveLower(k);
    variance.segment(first, count) =
        (signal - k.colwise().squaredNorm().transpose().array()).max(1e-12) * (yScale_ * yScale_);
  }
}

void GaussianProcess::predict(const Eigen::VectorXd& x, double& mean, double& variance) const {
  Eigen::VectorXd m;
  Eigen::VectorXd v;
  predictMany(GpPoints::allActive(x.transpose()), m, v);
  mean = m[0];
  variance = v[0];
}

}  // namespace tunelab
