#pragma once

#include <string>

#include "core/Backend.h"

namespace tunelab {

/// GEMM by OpenBLAS (cblas_sgemm); bias, activations and column sums by vectorised loops.
/// OpenBLAS's thread count is process-wide, so setThreads() sets it for every instance: the
/// study runner gives all trials the same count. OpenBLAS picks its kernels when it loads,
/// from OPENBLAS_CORETYPE or the CPU; tunelab never changes that variable.
class OpenBlasBackend final : public Backend {
 public:
  OpenBlasBackend();
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

 private:
  int threads_ = 1;
};

/// The OpenBLAS core name, and a warning with the fix when it is far below what the CPU runs.
std::string describeOpenBlas();

}  // namespace tunelab
