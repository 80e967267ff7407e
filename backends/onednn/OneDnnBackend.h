#pragma once

#include <dnnl.hpp>
#include <map>
#include <string>
#include <tuple>

#include "core/Backend.h"

namespace tunelab {

/// GEMM and dense forward as oneDNN matmul primitives, with bias and activation fused as
/// post-ops. A primitive is created once per shape and reused (one instance per trial, never
/// shared between threads). Threads: oneDNN here runs on OpenMP; before each primitive runs,
/// the calling thread's OpenMP thread count is set to setThreads()' value, or to one for a
/// product too small to share (below kParallelGemmFlops: waking a second thread costs more).
class OneDnnBackend final : public Backend {
 public:
  OneDnnBackend();
  ~OneDnnBackend() override;
  std::string_view name() const override { return "onednn"; }
  void setThreads(int threads) override { threads_ = threads < 1 ? 1 : threads; }
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
  // Everything that changes the primitive: shapes, strides, transposes, scales, post-ops.
  using Key = std::tuple<std::size_t, std::size_t, std::size_t,  // m, n, k
                         std::size_t, std::size_t, std::size_t,  // strides of a, b, c
                         bool, bool, float, float, int, float, bool>;
  struct Matmul {
    dnnl::matmul primitive;
    dnnl::memory a, b, c, bias;
    double flops = 0;  // 2 m n k: small products run on one thread
  };
  Matmul& matmul(const Key& key);
  void run(Matmul& mm, const float* a, const float* b, float* c, const float* bias);

  dnnl::engine engine_;
  dnnl::stream stream_;
  std::map<Key, Matmul> cache_;
  int threads_ = 1;
};

}  // namespace tunelab
