#pragma once

#include <algorithm>
#include <cassert>

#include "core/Matrix.h"

namespace tunelab {

/// Copies `from` into `to`, of the same shape and not overlapping: in one piece when both are
/// contiguous (a batch of one-value rows is then one copy, not a call per row), else row by row.
inline void copyView(ConstMatrixView from, MatrixView to) {
  assert(from.rows == to.rows && from.cols == to.cols);
  if (from.contiguous() && to.contiguous()) {
    std::copy_n(from.data, from.rows * from.cols, to.data);
    return;
  }
  for (std::size_t r = 0; r < from.rows; ++r) {
    std::copy_n(from.data + r * from.stride, from.cols, to.data + r * to.stride);
  }
}

}  // namespace tunelab
