#include "backends/common/FusedLoops.h"

#include <algorithm>
#include <array>

namespace tunelab {

namespace {

// The running sums of the columns [first, first + width), width <= Width, kept in a local array
// over all rows: the compiler holds it in vector registers, where sums kept in `out` would go
// through memory at every row (out may alias m). Each column is still summed from row 0 down.
template <std::size_t Width, bool Full>
void sumColumnBlock(ConstMatrixView m, std::size_t first, std::size_t width, float* out) {
  const std::size_t n = Full ? Width : width;
  std::array<float, Width> sums{};
  for (std::size_t i = 0; i < m.rows; ++i) {
    const float* row = m.data + i * m.stride + first;
    for (std::size_t j = 0; j < n; ++j) sums[j] += row[j];
  }
  std::copy_n(sums.begin(), n, out + first);
}

}  // namespace

void sumColumns(ConstMatrixView m, std::span<float> out) {
  constexpr std::size_t kWide = 64;
  constexpr std::size_t kNarrow = 16;
  std::size_t j = 0;
  for (; j + kWide <= m.cols; j += kWide) sumColumnBlock<kWide, true>(m, j, kWide, out.data());
  for (; j + kNarrow <= m.cols; j += kNarrow) {
    sumColumnBlock<kNarrow, true>(m, j, kNarrow, out.data());
  }
  if (j < m.cols) sumColumnBlock<kNarrow, false>(m, j, m.cols - j, out.data());
}

}  // namespace tunelab
