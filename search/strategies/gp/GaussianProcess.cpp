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
// standardised targets from 0.05 to 20, noise from 1e-6 to 0.5.
constexpr double kLogLengthMin = -5.3;
constexpr double kLogLengthMax = 3.0;
constexpr double kLogSignalMin = -3.0;
constexpr double kLogSignalMax = 3.0;
constexpr double kLogNoiseMin = -13.8;
constexpr double kLogNoiseMax = -0.7;

// k(r) / sigma^2 and the factor that gives dk/dlog(l_d) = sigma^2 * g(r) * (delta_d / l_d)^2.
void matern(double r, double& value, double& lengthFactor) {
  const double e = std::exp(-kSqrt5 * r);
  value = (1.0 + kSqrt5 * r + 5.0 / 3.0 * r * r) * e;
  lengthFactor = 5.0 / 3.0 * (1.0 + kSqrt5 * r) * e;
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

double GaussianProcess::kernel(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                               const GpHyperparameters& h) {
  double r2 = 0.0;
  for (Eigen::Index d = 0; d < a.size(); ++d) {
    const double scaled = (a[d] - b[d]) / std::exp(h.logLengthScales[static_cast<std::size_t>(d)]);
    r2 += scaled * scaled;
  }
  double value = 0.0;
  double unused = 0.0;
  matern(std::sqrt(r2), value, unused);
  return std::exp(h.logSignalVariance) * value;
}

double GaussianProcess::logMarginalLikelihood(const std::vector<double>& packed,
                                              std::vector<double>* gradient) const {
  const GpHyperparameters h = GpHyperparameters::unpack(packed);
  const Eigen::Index n = x_.rows();
  const Eigen::Index dims = x_.cols();
  const double signal = std::exp(h.logSignalVariance);
  const double noise = std::exp(h.logNoiseVariance);
  Eigen::VectorXd inverseLength(dims);
  for (Eigen::Index d = 0; d < dims; ++d) {
    inverseLength[d] = std::exp(-h.logLengthScales[static_cast<std::size_t>(d)]);
  }
  const Eigen::MatrixXd scaled = x_ * inverseLength.asDiagonal();
  Eigen::MatrixXd r2 = -2.0 * scaled * scaled.transpose();
  const Eigen::VectorXd norms = scaled.rowwise().squaredNorm();
  r2.colwise() += norms;
  r2.rowwise() += norms.transpose();
  const Eigen::ArrayXXd r = r2.array().max(0.0).sqrt();
  const Eigen::ArrayXXd e = (-kSqrt5 * r).exp();
  Eigen::MatrixXd k = (signal * (1.0 + kSqrt5 * r + 5.0 / 3.0 * r.square()) * e).matrix();
  // g(r) for the length-scale gradients: dk/dlog(l_d) = g(r) * (delta_d / l_d)^2.
  const Eigen::ArrayXXd factor = signal * 5.0 / 3.0 * (1.0 + kSqrt5 * r) * e;
  k.diagonal().array() += noise + 1e-10;
  const Eigen::LLT<Eigen::MatrixXd> llt(k);
  if (llt.info() != Eigen::Success) return -1e10;
  const Eigen::VectorXd alpha = llt.solve(y_);
  const Eigen::MatrixXd& l = llt.matrixLLT();
  const double logDet = 2.0 * l.diagonal().array().log().sum();
  const double lml = -0.5 * y_.dot(alpha) - 0.5 * logDet -
                     0.5 * static_cast<double>(n) * std::log(2.0 * std::numbers::pi);
  if (gradient != nullptr) {
    // d lml / d theta = 0.5 tr((alpha alpha^T - K^-1) dK/dtheta)
    const Eigen::MatrixXd w =
        alpha * alpha.transpose() - llt.solve(Eigen::MatrixXd::Identity(n, n));
    gradient->assign(packed.size(), 0.0);
    const Eigen::ArrayXXd weighted = w.array() * factor;
    for (Eigen::Index d = 0; d < dims; ++d) {
      const Eigen::VectorXd column = scaled.col(d);
      Eigen::ArrayXXd delta = column.replicate(1, n).array();
      delta.rowwise() -= column.transpose().array();
      (*gradient)[static_cast<std::size_t>(d)] = 0.5 * (weighted * delta.square()).sum();
    }
    const Eigen::MatrixXd kSignal = k - Eigen::MatrixXd::Identity(n, n) * (noise + 1e-10);
    (*gradient)[static_cast<std::size_t>(dims)] = 0.5 * (w.array() * kSignal.array()).sum();
    (*gradient)[static_cast<std::size_t>(dims) + 1] = 0.5 * noise * w.trace();
  }
  return lml;
}

void GaussianProcess::fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                          const GpHyperparameters& start, bool optimize, int restarts, Rng& rng) {
  x_ = x;
  yMean_ = y.mean();
  const double variance =
      y.size() > 1 ? (y.array() - yMean_).square().sum() / double(y.size() - 1) : 0.0;
  yScale_ = variance > 1e-12 ? std::sqrt(variance) : 1.0;
  y_ = (y.array() - yMean_) / yScale_;
  hyper_ = start;
  hyper_.logLengthScales.resize(static_cast<std::size_t>(x.cols()), std::log(0.3));
  if (optimize && x.rows() >= 2) {
    const std::size_t dims = static_cast<std::size_t>(x.cols());
    std::vector<double> lower(dims, kLogLengthMin);
    std::vector<double> upper(dims, kLogLengthMax);
    lower.push_back(kLogSignalMin);
    upper.push_back(kLogSignalMax);
    lower.push_back(kLogNoiseMin);
    upper.push_back(kLogNoiseMax);
    std::vector<double> best = hyper_.packed();
    for (std::size_t i = 0; i < best.size(); ++i) best[i] = std::clamp(best[i], lower[i], upper[i]);
    double bestValue = logMarginalLikelihood(best, nullptr);
    for (int attempt = 0; attempt <= restarts; ++attempt) {
      std::vector<double> point = best;
      if (attempt > 0) {
        for (std::size_t i = 0; i < point.size(); ++i) {
          point[i] = lower[i] + (upper[i] - lower[i]) * rng.uniformDouble();
        }
      }
      nlopt::opt optimizer(nlopt::LD_LBFGS, static_cast<unsigned>(point.size()));
      optimizer.set_lower_bounds(lower);
      optimizer.set_upper_bounds(upper);
      optimizer.set_maxeval(attempt == 0 ? 30 : 25);
      optimizer.set_ftol_rel(1e-6);
      auto objective = [](const std::vector<double>& v, std::vector<double>& grad, void* self) {
        const auto* gp = static_cast<const GaussianProcess*>(self);
        std::vector<double> g;
        const double value = gp->logMarginalLikelihood(v, grad.empty() ? nullptr : &g);
        for (std::size_t i = 0; i < grad.size(); ++i) grad[i] = -g[i];
        return -value;
      };
      optimizer.set_min_objective(objective, this);
      double value = 0.0;
      try {
        optimizer.optimize(point, value);
      } catch (const std::exception&) {
        // Round-off near an optimum: the point NLopt holds is still the best it found.
        value = -logMarginalLikelihood(point, nullptr);
      }
      if (-value > bestValue) {
        bestValue = -value;
        best = point;
      }
    }
    hyper_ = GpHyperparameters::unpack(best);
  }
  factorize();
}

Eigen::MatrixXd GaussianProcess::kernelMatrix(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                                              const GpHyperparameters& h) {
  Eigen::VectorXd inverseLength(a.cols());
  for (Eigen::Index d = 0; d < a.cols(); ++d) {
    inverseLength[d] = std::exp(-h.logLengthScales[static_cast<std::size_t>(d)]);
  }
  const Eigen::MatrixXd sa = a * inverseLength.asDiagonal();
  const Eigen::MatrixXd sb = b * inverseLength.asDiagonal();
  // |a - b|^2 = |a|^2 + |b|^2 - 2 a.b, as one matrix product.
  Eigen::MatrixXd r2 = -2.0 * sa * sb.transpose();
  r2.colwise() += sa.rowwise().squaredNorm();
  r2.rowwise() += sb.rowwise().squaredNorm().transpose();
  const Eigen::ArrayXXd r = r2.array().max(0.0).sqrt();
  return (std::exp(h.logSignalVariance) * (1.0 + kSqrt5 * r + 5.0 / 3.0 * r.square()) *
          (-kSqrt5 * r).exp())
      .matrix();
}

void GaussianProcess::predictMany(const Eigen::MatrixXd& points, Eigen::VectorXd& mean,
                                  Eigen::VectorXd& variance) const {
  const Eigen::MatrixXd kStar = kernelMatrix(x_, points, hyper_);  // n x m
  mean = (kStar.transpose() * alpha_).array() * yScale_ + yMean_;
  const Eigen::MatrixXd v = llt_.matrixL().solve(kStar);
  variance = ((std::exp(hyper_.logSignalVariance) - v.colwise().squaredNorm().array()).max(1e-12) *
              (yScale_ * yScale_))
                 .matrix()
                 .transpose();
}

void GaussianProcess::factorize() {
  Eigen::MatrixXd k = kernelMatrix(x_, x_, hyper_);
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

void GaussianProcess::predict(const Eigen::VectorXd& x, double& mean, double& variance) const {
  const Eigen::Index n = x_.rows();
  Eigen::VectorXd kStar(n);
  for (Eigen::Index i = 0; i < n; ++i) kStar[i] = kernel(x_.row(i).transpose(), x, hyper_);
  const double standardMean = kStar.dot(alpha_);
  const Eigen::VectorXd v = llt_.matrixL().solve(kStar);
  const double standardVariance =
      std::max(1e-12, std::exp(hyper_.logSignalVariance) - v.squaredNorm());
  mean = yMean_ + yScale_ * standardMean;
  variance = standardVariance * yScale_ * yScale_;
}

}  // namespace tunelab
