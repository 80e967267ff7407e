#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/Loss.h"
#include "core/Rng.h"

namespace tunelab {
namespace {

// The per-row gradient binary_crossentropy has always computed. Training results depend on
// its bits, so the loss's vectorised passes must reproduce them exactly.
float rowGradient(float logit, float target, std::size_t rows) {
  const double z = logit;
  const double e = std::exp(-std::fabs(z));
  const double p = z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
  return static_cast<float>(p - static_cast<double>(target)) * (1.0F / static_cast<float>(rows));
}

std::vector<float> logitsOfEveryKind(std::size_t rows, std::uint64_t seed) {
  const std::vector<float> special = {0.0F,
                                      -0.0F,
                                      std::numeric_limits<float>::infinity(),
                                      -std::numeric_limits<float>::infinity(),
                                      std::numeric_limits<float>::max(),
                                      std::numeric_limits<float>::denorm_min(),
                                      -std::numeric_limits<float>::denorm_min(),
                                      36.7F,
                                      -88.8F,
                                      104.0F,
                                      -745.0F,
                                      std::numeric_limits<float>::quiet_NaN()};
  std::vector<float> logits(rows);
  Rng rng(seed);
  for (std::size_t r = 0; r < rows; ++r) {
    logits[r] = r % 5 == 0 ? special[(r / 5) % special.size()]
                           : static_cast<float>(std::ldexp(rng.uniformDouble() - 0.5,
                                                           static_cast<int>(rng.below(14))));
  }
  return logits;
}

// Batches around the loss's chunk of rows, read and written through strided views (a column
// of a wider matrix); the rows between are left alone.
TEST(BinaryCrossentropy, GradientHasTheBitsOfThePerRowFormula) {
  const auto loss = makeLoss("binary_crossentropy");
  constexpr std::size_t kStride = 3;
  constexpr float kUntouched = -7.0F;
  for (const std::size_t rows : {1U, 63U, 64U, 65U, 128U, 333U}) {
    const std::vector<float> logits = logitsOfEveryKind(rows, rows);
    std::vector<float> z(rows * kStride, 0.5F);
    std::vector<float> y(rows);
    std::vector<float> grad(rows * kStride, kUntouched);
    for (std::size_t r = 0; r < rows; ++r) {
      z[r * kStride] = logits[r];
      y[r] = static_cast<float>(r % 3 == 0);
    }
    (void)loss->compute(ConstMatrixView{z.data(), rows, 1, kStride},
                        ConstMatrixView{y.data(), rows, 1},
                        MatrixView{grad.data(), rows, 1, kStride});
    for (std::size_t r = 0; r < rows; ++r) {
      const float expected = rowGradient(logits[r], y[r], rows);
      EXPECT_EQ(std::bit_cast<std::uint32_t>(grad[r * kStride]),
                std::bit_cast<std::uint32_t>(expected))
          << rows << " rows, row " << r << ", logit " << logits[r];
      EXPECT_EQ(grad[r * kStride + 1], kUntouched);
    }
  }
}

// The loss a user reads: the sum over every row of the exact per-row cross-entropy (the
// tolerance is rounding; a row read twice or skipped would be off by orders more).
TEST(BinaryCrossentropy, IsTheExactSumOverEveryRow) {
  const auto loss = makeLoss("binary_crossentropy");
  constexpr std::size_t kRows = 333;
  std::vector<float> logits(kRows);
  std::vector<float> targets(kRows);
  Rng rng(11);
  long double exact = 0.0L;
  for (std::size_t r = 0; r < kRows; ++r) {
    logits[r] = static_cast<float>(std::ldexp(rng.uniformDouble() - 0.5, static_cast<int>(r % 12)));
    targets[r] = static_cast<float>(rng.below(2));
    const long double zr = logits[r];
    exact += std::max(zr, 0.0L) + log1pl(expl(-std::fabs(zr))) - targets[r] * zr;
  }
  const double sum = loss->compute(ConstMatrixView{logits.data(), kRows, 1},
                                   ConstMatrixView{targets.data(), kRows, 1}, MatrixView{});
  EXPECT_NEAR(sum, static_cast<double>(exact), 1e-13 * static_cast<double>(exact));
}

TEST(BinaryCrossentropy, ANaNLogitMakesTheSumNaN) {
  const auto loss = makeLoss("binary_crossentropy");
  const float logits[] = {0.5F, std::nanf(""), -1.0F};
  const float targets[] = {1.0F, 0.0F, 1.0F};
  EXPECT_TRUE(std::isnan(
      loss->compute(ConstMatrixView{logits, 3, 1}, ConstMatrixView{targets, 3, 1}, MatrixView{})));
}

}  // namespace
}  // namespace tunelab
