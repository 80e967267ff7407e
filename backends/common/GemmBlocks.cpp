#include "backends/common/GemmBlocks.h"

#include <algorithm>

#include "backends/common/ParallelThreshold.h"

namespace tunelab {

GemmBlocks planGemmBlocks(std::size_t rows, std::size_t cols, std::size_t k) {
  const double flops =
      2.0 * static_cast<double>(rows) * static_cast<double>(cols) * static_cast<double>(k);
  if (flops < kParallelGemmFlops) return {};
  // Each extra block costs about 2-4% of a one-thread product (the shared operand is packed
  // once per block), so small products get two blocks, and only large ones more.
  const std::size_t wanted = flops < 16 * kParallelGemmFlops   ? 2
                             : flops < 64 * kParallelGemmFlops ? 4
                                                               : 8;
  const bool byRows = rows > cols;
  const std::size_t length = byRows ? rows : cols;
  // A multiple of 16 floats: no two blocks write one cache line of a row.
  const std::size_t step =
      std::max<std::size_t>(16, (length + wanted * 16 - 1) / (wanted * 16) * 16);
  return {byRows, step, static_cast<int>((length + step - 1) / step)};
}

GemmArgs gemmBlock(const GemmArgs& whole, const GemmBlocks& plan, int block) {
  GemmArgs part = whole;
  const std::size_t length = plan.byRows ? whole.c.rows : whole.c.cols;
  const std::size_t begin = static_cast<std::size_t>(block) * plan.step;
  const std::size_t count = std::min(plan.step, length - begin);
  const auto& a = whole.a;
  const auto& b = whole.b;
  const auto& c = whole.c;
  if (plan.byRows) {
    // Rows of C come from rows of op(A): rows of A, or columns of A transposed.
    part.a = whole.ta == Transpose::No
                 ? ConstMatrixView{a.data + begin * a.stride, count, a.cols, a.stride}
                 : ConstMatrixView{a.data + begin, a.rows, count, a.stride};
    part.c = {c.data + begin * c.stride, count, c.cols, c.stride};
  } else {
    // Columns of C come from columns of op(B): columns of B, or rows of B transposed.
    part.b = whole.tb == Transpose::No
                 ? ConstMatrixView{b.data + begin, b.rows, count, b.stride}
                 : ConstMatrixView{b.data + begin * b.stride, count, b.cols, b.stride};
    part.c = {c.data + begin, c.rows, count, c.stride};
    if (!whole.bias.empty()) part.bias = whole.bias.subspan(begin, count);
  }
  return part;
}

}  // namespace tunelab
