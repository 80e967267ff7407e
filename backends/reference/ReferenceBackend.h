#pragma once

#include <memory>

#include "core/Backend.h"

namespace tunelab {

/// The plain, obviously correct loops every other backend is tested against.
class __attribute__((visibility("default"))) ReferenceBackend final : public Backend {
 public:
  ReferenceBackend();
  ~ReferenceBackend() override;

  std::string_view name() const override { return "reference"; }
  void setThreads(int threads) override;
  int threads() const override { return 1; }
  std::string description() const override;

  void gemm(Transpose ta, Transpose tb, float alpha, ConstMatrixView a, ConstMatrixView b,
            float beta, MatrixView c) override;
  void denseForward(ConstMatrixView x, ConstMatrixView w, std::span<const float> bias,
                    Activation act, MatrixView y) override;
  void activationBackward(Activation act, ConstMatrixView x, ConstMatrixView y, ConstMatrixView dy,
                          MatrixView dx) override;
  void columnSums(ConstMatrixView m, std::span<float> out) override;
};

}  // namespace tunelab
