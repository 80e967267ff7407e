#pragma once

#include <cstddef>
#include <span>

#include "backends/common/ParallelBlocks.h"
#include "core/Backend.h"

namespace tunelab {

/// How a product C = op(A) op(B) is cut into blocks of rows or columns of C. The cut depends on
/// the shape alone, never on the thread count: each element of C is then computed by the same
/// library call on the same block whichever thread runs it, so a trial gives the same bits with
/// any threads_per_trial, whatever the library does inside a call (OpenBLAS computes the edges
/// of its tiles with other kernels and summation orders, and which kernels depends on the core
/// type; oneDNN may split the reduction between its threads).
struct GemmBlocks {
  bool byRows = true;    // blocks of rows of C (else of columns)
  std::size_t step = 0;  // rows or columns per block; the last block may be shorter
  int count = 1;         // 1: the product is one call
};

/// Products below kParallelGemmFlops are one block; larger ones are cut along C's longer side
/// into 2, 4 or 8 blocks (more for larger products), each a multiple of 16 floats wide.
GemmBlocks planGemmBlocks(std::size_t rows, std::size_t cols, std::size_t k);

/// The arguments of one product.
struct GemmArgs {
  Transpose ta = Transpose::No;
  Transpose tb = Transpose::No;
  float alpha = 1.0F;
  ConstMatrixView a;
  ConstMatrixView b;
  float beta = 0.0F;
  MatrixView c;
  std::span<const float> bias;  // one per column of C, or empty

  std::size_t k() const { return ta == Transpose::No ? a.cols : a.rows; }
};

/// Block `block` of the product cut by `plan`: the rows or columns of C with the matching rows
/// of op(A) or columns of op(B) and bias.
GemmArgs gemmBlock(const GemmArgs& whole, const GemmBlocks& plan, int block);

/// Calls oneThread(part, slot) for every block of the product, the blocks shared among up to
/// `threads` OpenMP threads of the calling thread's team (slot: see runBlocks).
template <typename OneThread>
void gemmInBlocks(int threads, const GemmArgs& whole, const OneThread& oneThread) {
  const GemmBlocks plan = planGemmBlocks(whole.c.rows, whole.c.cols, whole.k());
  if (plan.count == 1) {
    oneThread(whole, 0);
    return;
  }
  runBlocks(threads, plan.count,
            [&](int block, int slot) { oneThread(gemmBlock(whole, plan, block), slot); });
}

}  // namespace tunelab
