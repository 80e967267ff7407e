#pragma once

#include <string>

#include "core/Backend.h"
#include "core/TrackedMemory.h"

namespace tunelab {

/// GEMM by OpenBLAS (cblas_sgemm); bias, activations and column sums by vectorised loops.
/// OpenBLAS's own thread count is process-wide, so it stays at one and each instance shares a
/// large product between its own threads: C is cut into blocks of rows or columns by its shape
/// (planGemmBlocks), each block an OpenBLAS call on one of the calling thread's OpenMP threads,
/// so the bits do not depend on the thread count; the Adam step is shared among the threads.
/// Products below kParallelGemmFlops are one call. OpenBLAS picks its kernels when it loads, from
/// OPENBLAS_CORETYPE or the CPU; tunelab never changes that variable.
class OpenBlasBackend final : public Backend {
 public:
  OpenBlasBackend();
  /// As if OpenBLAS did (or did not) have its small-matrix kernels here, whatever the core:
  /// the conformance suite tests both product paths on every CPU.
  explicit OpenBlasBackend(bool smallMatrixKernels);
  std::string_view name() const override { return "openblas"; }
  void setThreads(int threads) override;
  int threads() const override { return threads_; }
  std::string description() const override;

  void gemm(Transpose ta, Transpose tb, float alpha, ConstMatrixView a, ConstMatrixView b,
            float beta, MatrixView c) override;
  void denseForward(ConstMatrixView x, ConstMatrixView w, std::span<const float> bias,
                    Activation act, MatrixView y) override;
  void activationBackward(Activation act, ConstMatrixView x, ConstMatrixView y, ConstMatrixView dy,
                          MatrixView dx) override;
  void columnSums(ConstMatrixView m, std::span<float> out) override;
  void adamUpdate(std::span<float> params, std::span<const float> grads, std::span<float> m,
                  std::span<float> v, const AdamStep& step) override;

 private:
  int threads_ = 1;
  bool smallMatrixKernels_ = false;  // see transposeFirst
  FloatBuffer transposedB_;
};

/// Whether the product C = A * B^T (C: m x n, over k) runs as a transpose of B and A * B, on an
/// OpenBLAS with its small-matrix kernels (smallKernels): where those kernels take A * B but not
/// A * B^T.
bool transposeFirst(bool smallKernels, std::size_t m, std::size_t n, std::size_t k);

/// The OpenBLAS core name, and a warning with the fix when it is far below what the CPU runs.
std::string describeOpenBlas();

}  // namespace tunelab
