// The GP's posterior, likelihood and prior gradients, mixed kernel, output warping and
// acquisition functions against closed forms; a model conditioned step by step against a
// fresh one.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "search/strategies/gp/Acquisition.h"
#include "search/strategies/gp/GaussianProcess.h"
#include "search/strategies/gp/OutputWarp.h"

namespace tunelab {
namespace {

TEST(GaussianProcess, PosteriorMatchesTheClosedFormOnTwoPoints) {
  Eigen::MatrixXd x(2, 1);
  x << 0.2, 0.7;
  Eigen::VectorXd y(2);
  y << 1.0, 3.0;
  GpHyperparameters h;
  h.logLengthScales = {std::log(0.4)};
  h.logSignalVariance = std::log(1.5);
  h.logNoiseVariance = std::log(0.01);
  GaussianProcess gp;
  Rng rng(1);
  gp.fit(x, y, h, false, 0, rng);

  // Closed form in the standardised units the GP works in (mean 2, sd sqrt(2)).
  auto k = [&](double a, double b) {
    const double r = std::abs(a - b) / 0.4;
    return 1.5 * (1 + std::sqrt(5.0) * r + 5.0 / 3.0 * r * r) * std::exp(-std::sqrt(5.0) * r);
  };
  const double k11 = k(0.2, 0.2) + 0.01;
  const double k12 = k(0.2, 0.7);
  const double k22 = k(0.7, 0.7) + 0.01;
  const double det = k11 * k22 - k12 * k12;
  const double s = std::sqrt(2.0);
  const double y1 = (1.0 - 2.0) / s;
  const double y2 = (3.0 - 2.0) / s;
  const double a1 = (k22 * y1 - k12 * y2) / det;
  const double a2 = (-k12 * y1 + k11 * y2) / det;
  const double at = 0.45;
  const double ks1 = k(at, 0.2);
  const double ks2 = k(at, 0.7);
  const double mean = 2.0 + s * (ks1 * a1 + ks2 * a2);
  const double quad = (ks1 * (k22 * ks1 - k12 * ks2) + ks2 * (-k12 * ks1 + k11 * ks2)) / det;
  const double variance = 2.0 * (1.5 - quad);

  double gotMean = 0;
  double gotVariance = 0;
  Eigen::VectorXd point(1);
  point << at;
  gp.predict(point, gotMean, gotVariance);
  EXPECT_NEAR(gotMean, mean, 1e-6);
  EXPECT_NEAR(gotVariance, variance, 1e-6);
}

TEST(GaussianProcess, LikelihoodGradientMatchesFiniteDifferences) {
  Rng rng(3);
  Eigen::MatrixXd x(12, 3);
  Eigen::VectorXd y(12);
  for (Eigen::Index i = 0; i < 12; ++i) {
    for (Eigen::Index d = 0; d < 3; ++d) x(i, d) = rng.uniformDouble();
    y[i] = std::sin(3 * x(i, 0)) + x(i, 1) * x(i, 1) + 0.1 * rng.normal();
  }
  GaussianProcess gp;
  GpHyperparameters h;
  h.logLengthScales = {std::log(0.3), std::log(0.5), std::log(1.2)};
  h.logSignalVariance = std::log(0.8);
  h.logNoiseVariance = std::log(0.05);
  gp.fit(x, y, h, false, 0, rng);
  const std::vector<double> packed = h.packed();
  std::vector<double> gradient;
  gp.logMarginalLikelihood(packed, &gradient);
  for (std::size_t i = 0; i < packed.size(); ++i) {
    auto plus = packed;
    auto minus = packed;
    plus[i] += 1e-5;
    minus[i] -= 1e-5;
    const double numeric =
        (gp.logMarginalLikelihood(plus, nullptr) - gp.logMarginalLikelihood(minus, nullptr)) / 2e-5;
    EXPECT_NEAR(gradient[i], numeric, 1e-4 * (1 + std::abs(numeric))) << "hyperparameter " << i;
  }
}

TEST(GaussianProcess, FittedHyperparametersRaiseTheLikelihood) {
  Rng rng(5);
  Eigen::MatrixXd x(30, 2);
  Eigen::VectorXd y(30);
  for (Eigen::Index i = 0; i < 30; ++i) {
    x(i, 0) = rng.uniformDouble();
    x(i, 1) = rng.uniformDouble();
    y[i] = std::sin(6 * x(i, 0));  // the second input does not matter
  }
  GpHyperparameters start;
  start.logLengthScales = {std::log(0.3), std::log(0.3)};
  GaussianProcess gp;
  gp.fit(x, y, start, false, 0, rng);
  const double before = gp.logMarginalLikelihood(start.packed(), nullptr);
  gp.fit(x, y, start, true, 2, rng);
  const auto& fitted = gp.hyperparameters();
  EXPECT_GT(gp.logMarginalLikelihood(fitted.packed(), nullptr), before + 1.0);
  EXPECT_GT(fitted.logLengthScales[1], fitted.logLengthScales[0])
      << "an input that does not matter gets a longer length scale";
}

TEST(GaussianProcess, PriorGradientMatchesFiniteDifferences) {
  const GaussianProcess gp;
  const std::vector<double> packed{-1.2, 0.4, 2.1, 0.3, -5.0};
  std::vector<double> gradient(packed.size(), 0.0);
  gp.logPrior(packed, &gradient);
  for (std::size_t i = 0; i < packed.size(); ++i) {
    auto plus = packed;
    auto minus = packed;
    plus[i] += 1e-5;
    minus[i] -= 1e-5;
    const double numeric = (gp.logPrior(plus, nullptr) - gp.logPrior(minus, nullptr)) / 2e-5;
    EXPECT_NEAR(gradient[i], numeric, 1e-5 * std::max(1.0, std::abs(numeric))) << i;
  }
}

TEST(GaussianProcess, CategoriesAreEquallyFarApartAndInactiveCoordinatesDoNotCount) {
  // Dimension 0 a 3-way categorical (bin centres 1/6, 1/2, 5/6), dimension 1 numeric.
  const GaussianProcess gp({true, false});
  GpHyperparameters h;
  h.logLengthScales = {0.0, std::log(0.3)};
  GpPoints a{Eigen::MatrixXd(3, 2), Eigen::MatrixXd::Ones(3, 2)};
  a.x << 1.0 / 6, 0.2, 0.5, 0.2, 5.0 / 6, 0.2;
  const Eigen::MatrixXd k = gp.kernelMatrix(a, a, h);
  EXPECT_DOUBLE_EQ(k(0, 1), k(0, 2));  // neighbouring and far categories alike
  EXPECT_LT(k(0, 1), k(0, 0));
  // Two points that differ only where the second coordinate is inactive are the same point.
  GpPoints b{Eigen::MatrixXd(2, 2), Eigen::MatrixXd::Ones(2, 2)};
  b.x << 0.5, 0.1, 0.5, 0.9;
  b.active(1, 1) = 0.0;
  const Eigen::MatrixXd kb = gp.kernelMatrix(b, b, h);
  EXPECT_DOUBLE_EQ(kb(0, 1), kb(0, 0));
}

// Points in 3-D: a numeric coordinate, one that is inactive in about a third of the points,
// and a 2-way categorical.
GpPoints mixedPoints(Rng& rng, Eigen::Index n) {
  GpPoints p{Eigen::MatrixXd(n, 3), Eigen::MatrixXd::Ones(n, 3)};
  for (Eigen::Index i = 0; i < n; ++i) {
    p.x(i, 0) = rng.uniformDouble();
    p.x(i, 1) = rng.uniformDouble();
    p.x(i, 2) = rng.uniformDouble() < 0.5 ? 0.25 : 0.75;
    if (rng.uniformDouble() < 0.3) p.active(i, 1) = 0.0;
  }
  return p;
}

GpPoints leadingRows(const GpPoints& p, Eigen::Index n) {
  return {p.x.topRows(n), p.active.topRows(n)};
}

Eigen::VectorXd mixedTargets(const GpPoints& p) {
  Eigen::VectorXd y(p.x.rows());
  for (Eigen::Index i = 0; i < y.size(); ++i)
    y[i] = std::sin(4 * p.x(i, 0)) + p.active(i, 1) * p.x(i, 1) + (p.x(i, 2) > 0.5 ? 0.3 : 0.0);
  return y;
}

void expectSamePredictions(const GaussianProcess& a, const GaussianProcess& b, const GpPoints& at) {
  Eigen::VectorXd meanA;
  Eigen::VectorXd varianceA;
  Eigen::VectorXd meanB;
  Eigen::VectorXd varianceB;
  a.predictMany(at, meanA, varianceA);
  b.predictMany(at, meanB, varianceB);
  for (Eigen::Index i = 0; i < at.x.rows(); ++i) {
    EXPECT_EQ(meanA[i], meanB[i]) << "point " << i;  // bit for bit, not nearly
    EXPECT_EQ(varianceA[i], varianceB[i]) << "point " << i;
  }
}

TEST(GaussianProcess, ConditionedStepByStepItPredictsBitForBitWhatAFreshModelPredicts) {
  Rng rng(7);
  const GpPoints all = mixedPoints(rng, 60);
  const GpPoints elsewhere = mixedPoints(rng, 40);
  const GpPoints at = mixedPoints(rng, 25);
  GpHyperparameters h;
  h.logLengthScales = {std::log(0.3), std::log(0.6), 0.0};
  h.logSignalVariance = std::log(1.3);
  h.logNoiseVariance = std::log(1e-4);
  const std::vector<bool> categorical{false, false, true};
  GaussianProcess grown(categorical);
  grown.setHyperparameters(h);
  for (Eigen::Index n : {3, 10, 11, 40}) {
    const GpPoints some = leadingRows(all, n);
    grown.condition(some, mixedTargets(some));
  }
  // Some trailing points replaced (the believed trials of a study with lag), then the rest.
  GpPoints swapped = leadingRows(all, 30);
  swapped.x.bottomRows(5) = elsewhere.x.topRows(5);
  swapped.active.bottomRows(5) = elsewhere.active.topRows(5);
  grown.condition(swapped, mixedTargets(swapped));
  grown.condition(all, mixedTargets(all));
  GaussianProcess fresh(categorical);
  fresh.setHyperparameters(h);
  fresh.condition(all, mixedTargets(all));
  expectSamePredictions(grown, fresh, at);

  // And it is the posterior: the same as fit() without optimisation, to round-off.
  GaussianProcess fitted(categorical);
  fitted.fit(all, mixedTargets(all), h, false, 0, rng);
  Eigen::VectorXd mean;
  Eigen::VectorXd variance;
  Eigen::VectorXd fittedMean;
  Eigen::VectorXd fittedVariance;
  fresh.predictMany(at, mean, variance);
  fitted.predictMany(at, fittedMean, fittedVariance);
  EXPECT_LT((mean - fittedMean).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_LT((variance - fittedVariance).cwiseAbs().maxCoeff(), 1e-9);
}

TEST(GaussianProcess, ARaisedJitterIsTheOneAFreshModelWouldPick) {
  // Without noise, a point given twice makes the kernel matrix singular: the jitter must rise,
  // and a model that grew to it must still agree with a fresh one, also once the duplicate
  // has been dropped again.
  Rng rng(11);
  GpPoints all = mixedPoints(rng, 20);
  all.x.row(14) = all.x.row(6);
  all.active.row(14) = all.active.row(6);
  const GpPoints at = mixedPoints(rng, 10);
  GpHyperparameters h;
  h.logLengthScales = {std::log(0.3), std::log(0.6), 0.0};
  h.logNoiseVariance = -60.0;
  const std::vector<bool> categorical{false, false, true};
  GaussianProcess grown(categorical);
  grown.setHyperparameters(h);
  for (Eigen::Index n : {10, 20, 12}) {
    const GpPoints some = leadingRows(all, n);
    grown.condition(some, mixedTargets(some));
    GaussianProcess fresh(categorical);
    fresh.setHyperparameters(h);
    fresh.condition(some, mixedTargets(some));
    expectSamePredictions(grown, fresh, at);
  }
}

TEST(OutputWarp, KeepsTheOrderAndEvensOutALongTail) {
  Rng rng(5);
  Eigen::VectorXd y(60);
  for (Eigen::Index i = 0; i < y.size(); ++i) y[i] = std::exp(3.0 * rng.normal());  // log-normal
  double lambda = 1.0;
  const Eigen::VectorXd w = warpTargets(y, &lambda);
  EXPECT_LT(lambda, 0.5);
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    for (Eigen::Index j = 0; j < y.size(); ++j) {
      if (y[i] < y[j]) {
        EXPECT_LT(w[i], w[j]);
      }
    }
  }
  auto skew = [](const Eigen::VectorXd& v) {
    const double m = v.mean();
    const double sd = std::sqrt((v.array() - m).square().mean());
    return ((v.array() - m) / sd).cube().mean();
  };
  EXPECT_LT(std::abs(skew(w)), 0.5 * std::abs(skew(y)));
}

TEST(Acquisition, ExpectedImprovementMatchesNumericalIntegration) {
  for (const auto& [mean, sd, best] :
       {std::tuple{0.0, 1.0, 0.5}, {1.0, 0.3, 0.2}, {-2.0, 2.0, 1.0}}) {
    // E[max(best - f, 0)] for f ~ N(mean, sd^2), by the midpoint rule over +-10 sd.
    double integral = 0.0;
    const int steps = 200000;
    const double lo = mean - 10 * sd;
    const double width = 20 * sd / steps;
    for (int i = 0; i < steps; ++i) {
      const double f = lo + (i + 0.5) * width;
      const double density =
          std::exp(-0.5 * std::pow((f - mean) / sd, 2)) / (sd * std::sqrt(2 * std::numbers::pi));
      integral += std::max(best - f, 0.0) * density * width;
    }
    EXPECT_NEAR(expectedImprovement(mean, sd, best), integral, 1e-6);
    EXPECT_NEAR(logExpectedImprovement(mean, sd, best), std::log(integral), 1e-5);
  }
}

TEST(Acquisition, LogExpectedImprovementStaysFiniteAndOrderedFarInTheTail) {
  // EI underflows to 0 here; log-EI still ranks the points.
  EXPECT_EQ(expectedImprovement(40.0, 1.0, 0.0), 0.0);
  const double far = logExpectedImprovement(40.0, 1.0, 0.0);
  const double farther = logExpectedImprovement(45.0, 1.0, 0.0);
  EXPECT_TRUE(std::isfinite(far));
  EXPECT_GT(far, farther);
  // Continuity where the tail formula takes over (z = -25).
  EXPECT_NEAR(logExpectedImprovement(25.0 - 1e-9, 1.0, 0.0),
              logExpectedImprovement(25.0 + 1e-9, 1.0, 0.0), 1e-6);
  EXPECT_NEAR(probabilityOfImprovement(0.0, 1.0, 0.0), 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(upperConfidenceBound(1.0, 0.5, 2.0), 0.0);
}

}  // namespace
}  // namespace tunelab
