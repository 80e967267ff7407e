// copyView: every value lands in its place whichever side is strided, and nothing beyond a
// strided view's columns is written.
#include <gtest/gtest.h>

#include "core/Matrix.h"
#include "core/MatrixCopy.h"

namespace tunelab {
namespace {

constexpr float kUntouched = -1.0F;

Matrix numbered(std::size_t rows, std::size_t cols) {
  Matrix m(rows, cols);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) m(r, c) = static_cast<float>(100 * r + c);
  }
  return m;
}

TEST(CopyView, ContiguousIntoContiguous) {
  const Matrix from = numbered(4, 3);
  Matrix to(4, 3, kUntouched);
  copyView(from.cview(), to.view());
  EXPECT_EQ(std::vector<float>(to.values().begin(), to.values().end()),
            std::vector<float>(from.values().begin(), from.values().end()));
}

TEST(CopyView, StridedSourceIntoContiguous) {
  const Matrix wide = numbered(5, 7);
  const ConstMatrixView from(wide.data() + 2, 5, 3, 7);  // columns 2..4
  Matrix to(5, 3, kUntouched);
  copyView(from, to.view());
  for (std::size_t r = 0; r < 5; ++r) {
    for (std::size_t c = 0; c < 3; ++c) EXPECT_EQ(to(r, c), wide(r, c + 2)) << r << "," << c;
  }
}

TEST(CopyView, ContiguousIntoStridedLeavesTheOtherColumnsAlone) {
  const Matrix from = numbered(3, 2);
  Matrix wide(3, 5, kUntouched);
  copyView(from.cview(), MatrixView(wide.data() + 1, 3, 2, 5));  // columns 1..2
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t c = 0; c < 5; ++c) {
      const bool inside = c == 1 || c == 2;
      EXPECT_EQ(wide(r, c), inside ? from(r, c - 1) : kUntouched) << r << "," << c;
    }
  }
}

TEST(CopyView, OneColumnRowsAndNoRows) {
  const Matrix from = numbered(6, 1);
  Matrix to(6, 1, kUntouched);
  copyView(from.cview(), to.view());
  for (std::size_t r = 0; r < 6; ++r) EXPECT_EQ(to(r, 0), from(r, 0));
  Matrix none(0, 4);
  copyView(ConstMatrixView(none.data(), 0, 4), none.view());  // nothing to do, nothing read
}

}  // namespace
}  // namespace tunelab
