#include "bench/search/TestFunctions.h"

#include <cmath>
#include <numbers>

namespace tunelab::bench {

namespace {

constexpr double kPi = std::numbers::pi;

// 10^(exponent * i / (d - 1)): the axis weights of the BBOB ellipsoids.
double axisWeight(std::size_t i, std::size_t d, double exponent) {
  return d < 2 ? 1.0 : std::pow(10.0, exponent * static_cast<double>(i) / double(d - 1));
}

}  // namespace

double sphere(std::span<const double> z) {
  double sum = 0;
  for (double v : z) sum += v * v;
  return sum;
}

double ellipsoid(std::span<const double> z) {
  double sum = 0;
  for (std::size_t i = 0; i < z.size(); ++i) sum += axisWeight(i, z.size(), 6.0) * z[i] * z[i];
  return sum;
}

double rosenbrock(std::span<const double> z) {
  double sum = 0;
  for (std::size_t i = 0; i + 1 < z.size(); ++i) {
    sum += 100.0 * std::pow(z[i] * z[i] - z[i + 1], 2) + std::pow(z[i] - 1.0, 2);
  }
  return sum;
}

double rastrigin(std::span<const double> z) {
  double sum = 10.0 * static_cast<double>(z.size());
  for (double v : z) sum += v * v - 10.0 * std::cos(2 * kPi * v);
  return sum;
}

double ackley(std::span<const double> z) {
  const double d = static_cast<double>(z.size());
  double squares = 0;
  double cosines = 0;
  for (double v : z) {
    squares += v * v;
    cosines += std::cos(2 * kPi * v);
  }
  return -20.0 * std::exp(-0.2 * std::sqrt(squares / d)) - std::exp(cosines / d) + 20.0 +
         std::numbers::e;
}

double levy(std::span<const double> z) {
  auto w = [&](std::size_t i) { return 1.0 + (z[i] - 1.0) / 4.0; };
  const std::size_t d = z.size();
  double sum = std::pow(std::sin(kPi * w(0)), 2);
  for (std::size_t i = 0; i + 1 < d; ++i) {
    sum += std::pow(w(i) - 1, 2) * (1 + 10 * std::pow(std::sin(kPi * w(i) + 1), 2));
  }
  return sum + std::pow(w(d - 1) - 1, 2) * (1 + std::pow(std::sin(2 * kPi * w(d - 1)), 2));
}

double griewank(std::span<const double> z) {
  double sum = 0;
  double product = 1;
  for (std::size_t i = 0; i < z.size(); ++i) {
    sum += z[i] * z[i] / 4000.0;
    product *= std::cos(z[i] / std::sqrt(static_cast<double>(i + 1)));
  }
  return sum - product + 1.0;
}

double schwefel(std::span<const double> z) {
  double sum = 418.9828872724338 * static_cast<double>(z.size());
  for (double v : z) sum -= v * std::sin(std::sqrt(std::abs(v)));
  return sum;
}

double styblinskiTang(std::span<const double> z) {
  double sum = 0;
  for (double v : z) sum += 0.5 * (v * v * v * v - 16 * v * v + 5 * v);
  return sum;
}

double stepEllipsoid(std::span<const double> z) {
  double sum = 0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double rounded = std::floor(z[i] + 0.5);
    sum += axisWeight(i, z.size(), 2.0) * rounded * rounded;
  }
  return sum;
}

double sharpRidge(std::span<const double> z) {
  double rest = 0;
  for (std::size_t i = 1; i < z.size(); ++i) rest += z[i] * z[i];
  return z[0] * z[0] + 100.0 * std::sqrt(rest);
}

double hartmann6(std::span<const double> x) {
  static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
  static const double a[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                 {0.05, 10, 17, 0.1, 8, 14},
                                 {3, 3.5, 1.7, 10, 17, 8},
                                 {17, 8, 0.05, 10, 0.1, 14}};
  static const double p[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                 {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                 {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                 {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
  double sum = 0;
  for (int i = 0; i < 4; ++i) {
    double inner = 0;
    for (int j = 0; j < 6; ++j) inner += a[i][j] * std::pow(x[std::size_t(j)] - p[i][j], 2);
    sum += alpha[i] * std::exp(-inner);
  }
  return -sum;
}

double branin(std::span<const double> x) {
  const double b = 5.1 / (4 * kPi * kPi);
  const double c = 5 / kPi;
  const double t = 1 / (8 * kPi);
  return std::pow(x[1] - b * x[0] * x[0] + c * x[0] - 6, 2) + 10 * (1 - t) * std::cos(x[0]) + 10;
}

}  // namespace tunelab::bench
