#pragma once

#include <dnnl.hpp>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "backends/common/GemmBlocks.h"
#include "core/Backend.h"

namespace tunelab {

/// GEMM and dense forward as oneDNN matmul primitives, with bias and activation fused as
/// post-ops. A primitive is created once per shape and reused (one instance per trial, never
/// shared between threads). Threads: every primitive runs on one thread; a large product is cut
/// into blocks by its shape (planGemmBlocks) shared among setThreads() OpenMP threads, so the
/// bits do not depend on the thread count (oneDNN's own threading may split the reduction).
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
                         bool, bool, float, float,               // transposes, alpha, beta
                         int, float, float,                      // post-op: kind, alpha, beta
                         bool>;                                  // has bias
  // The memory objects one thread binds to its block's data.
  struct Handles {
    dnnl::memory a, b, c, bias, scratchpad;
    std::unordered_map<int, dnnl::memory> args;  // the above by argument, built once
  };
  struct Matmul {
    dnnl::matmul primitive;
    dnnl::memory::desc aDesc, bDesc, cDesc, biasDesc, scratchpadDesc;
    bool hasBias = false;
    std::vector<Handles> slots;  // one per thread that may run it
  };
  // An eltwise post-op: a dnnl::algorithm (-1: none) and its parameters.
  struct PostOp {
    int kind = -1;
    float alpha = 0.0F;
    float beta = 0.0F;
  };
  static Key keyOf(const GemmArgs& g, PostOp act);
  Matmul& matmul(const Key& key);
  void prepareSlots(Matmul& mm, std::size_t slots);
  // c = act(alpha op(a) op(b) + beta c + bias), in blocks.
  void product(const GemmArgs& whole, PostOp act);
  void run(Matmul& mm, std::size_t slot, const GemmArgs& part);

  dnnl::engine engine_;
  std::vector<dnnl::stream> streams_;  // one per thread slot
  std::map<Key, Matmul> cache_;
  int threads_ = 1;
};

}  // namespace tunelab
