#include "plugins/testing/StridedMatrix.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace tunelab::testing {

StridedMatrix::StridedMatrix(std::size_t rowCount, std::size_t colCount, Rng& rng, std::size_t pad)
    : rows(rowCount),
      cols(colCount),
      stride(colCount + pad),
      data(rowCount * (colCount + pad) + 1, std::numeric_limits<float>::quiet_NaN()) {
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) data[i * stride + j] = 2.0F * rng.uniform() - 1.0F;
  }
}

void StridedMatrix::fillNaN() {
  std::fill(data.begin(), data.end(), std::numeric_limits<float>::quiet_NaN());
}

void expectNear(const StridedMatrix& got, const StridedMatrix& want, float tolerance,
                const std::string& what) {
  for (std::size_t i = 0; i < got.rows; ++i) {
    for (std::size_t j = 0; j < got.cols; ++j) {
      const float g = got.at(i, j);
      const float w = want.at(i, j);
      ASSERT_NEAR(g, w, tolerance * (1.0F + std::abs(w)))
          << what << " at (" << i << ", " << j << ")";
    }
  }
  // The padding between rows belongs to the caller.
  for (std::size_t k = 0; k < got.data.size(); ++k) {
    if (k % got.stride < got.cols && k / got.stride < got.rows) continue;
    ASSERT_EQ(std::bit_cast<std::uint32_t>(got.data[k]), std::bit_cast<std::uint32_t>(want.data[k]))
        << what << " wrote outside its view, at offset " << k;
  }
}

bool sameBits(std::span<const float> a, std::span<const float> b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](float x, float y) {
           return std::bit_cast<std::uint32_t>(x) == std::bit_cast<std::uint32_t>(y);
         });
}

float productTolerance(std::size_t k) { return 4.0F * static_cast<float>(k + 1) * 1.2e-7F; }

}  // namespace tunelab::testing
