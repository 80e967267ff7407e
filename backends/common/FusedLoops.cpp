#include "backends/common/FusedLoops.h"

#include <algorithm>

namespace tunelab {

void sumColumns(ConstMatrixView m, std::span<float> out) {
  std::fill(out.begin(), out.end(), 0.0F);
  float* o = out.data();
  for (std::size_t i = 0; i < m.rows; ++i) {
    const float* row = m.data + i * m.stride;
    for (std::size_t j = 0; j < m.cols; ++j) o[j] += row[j];
  }
}

}  // namespace tunelab
