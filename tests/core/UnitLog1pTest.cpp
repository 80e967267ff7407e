#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <limits>
#include <vector>

#include "core/Rng.h"
#include "core/UnitLog1p.h"

namespace tunelab {
namespace {

// The error of `value` against long double's log1pl (11 more bits), in units of the last place
// of the doubles around the exact value (the smaller one just below a power of two).
double ulpsFromExact(double x, double value) {
  const long double exact = log1pl(static_cast<long double>(x));
  const double rounded = static_cast<double>(exact);
  const double ulp = exact < static_cast<long double>(rounded)
                         ? rounded - std::nextafter(rounded, 0.0)
                         : std::nextafter(rounded, 2.0) - rounded;
  if (ulp == 0.0 || rounded == 0.0) return value == 0.0 ? 0.0 : 1e9;
  return static_cast<double>(std::fabs(static_cast<long double>(value) - exact) / ulp);
}

std::vector<double> edgeAndRandomPoints() {
  std::vector<double> xs = {0.0,
                            std::numeric_limits<double>::denorm_min(),
                            std::numeric_limits<double>::min(),
                            0x1p-60,
                            0x1p-53,
                            0x1.8p-53,
                            0x1p-52,
                            1e-9,
                            std::sqrt(2.0) - 1.0,
                            std::nextafter(std::sqrt(2.0) - 1.0, 0.0),
                            std::nextafter(std::sqrt(2.0) - 1.0, 1.0),
                            0.5,
                            std::nextafter(1.0, 0.0),
                            1.0};
  Rng rng(7);
  for (int i = 0; i < 200000; ++i) xs.push_back(rng.uniformDouble());
  for (int i = 0; i < 200000; ++i) xs.push_back(std::exp2(-60.0 * rng.uniformDouble()));
  return xs;
}

// Over an array, so the compiler vectorises (and contracts) the loop as it does in the loss.
TEST(UnitLog1p, IsWithinOneRoundingOfTheExactValueOnZeroToOne) {
  const std::vector<double> xs = edgeAndRandomPoints();
  std::vector<double> values(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) values[i] = unitLog1p(xs[i]);
  double worst = 0.0;
  double worstAt = 0.0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double ulps = ulpsFromExact(xs[i], values[i]);
    if (ulps > worst) {
      worst = ulps;
      worstAt = xs[i];
    }
  }
  EXPECT_LT(worst, 1.0) << "at x = " << worstAt;
  std::cout << "worst error " << worst << " ulp at x = " << worstAt << "\n";
}

TEST(UnitLog1p, KeepsNaN) { EXPECT_TRUE(std::isnan(unitLog1p(std::nan("")))); }

}  // namespace
}  // namespace tunelab
