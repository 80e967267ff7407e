// Backends with one seeded defect each: the kit's backend suites must fail on them
// (tests/CMakeLists.txt names the test each must fail).
#include <memory>

#include "backends/reference/ReferenceBackend.h"
#include "plugins/testing/BackendConformance.h"
#include "plugins/testing/BackendThreads.h"

namespace tunelab {
namespace {

using testing::BackendConformance;
using testing::BackendThreads;

// The reference backend, with the ops a defect replaces left to override.
class Delegating : public Backend {
 public:
  std::string_view name() const override { return "broken"; }
  void setThreads(int threads) override { threads_ = threads; }
  int threads() const override { return threads_; }
  std::string description() const override { return "a seeded defect"; }
  void gemm(Transpose ta, Transpose tb, float alpha, ConstMatrixView a, ConstMatrixView b,
            float beta, MatrixView c) override {
    reference_.gemm(ta, tb, alpha, a, b, beta, c);
  }
  void denseForward(ConstMatrixView x, ConstMatrixView w, std::span<const float> bias,
                    Activation act, MatrixView y) override {
    reference_.denseForward(x, w, bias, act, y);
  }
  void activationBackward(Activation act, ConstMatrixView x, ConstMatrixView y, ConstMatrixView dy,
                          MatrixView dx) override {
    reference_.activationBackward(act, x, y, dy, dx);
  }
  void columnSums(ConstMatrixView m, std::span<float> out) override {
    reference_.columnSums(m, out);
  }

 protected:
  ReferenceBackend reference_;
  int threads_ = 1;
};

class IgnoresBeta final : public Delegating {
  void gemm(Transpose ta, Transpose tb, float alpha, ConstMatrixView a, ConstMatrixView b,
            float /*beta*/, MatrixView c) override {
    reference_.gemm(ta, tb, alpha, a, b, 0.0F, c);
  }
};

class WritesBetweenRows final : public Delegating {
  void gemm(Transpose ta, Transpose tb, float alpha, ConstMatrixView a, ConstMatrixView b,
            float beta, MatrixView c) override {
    reference_.gemm(ta, tb, alpha, a, b, beta, c);
    if (c.stride > c.cols) c.data[c.cols] = 0.0F;
  }
};

class ThreadsChangeTheBits final : public Delegating {
  void denseForward(ConstMatrixView x, ConstMatrixView w, std::span<const float> bias,
                    Activation act, MatrixView y) override {
    reference_.denseForward(x, w, bias, act, y);
    if (threads_ > 1) y(0, 0) = std::nextafter(y(0, 0), 1e9F);
  }
};

template <class B>
BackendFactory backendOf() {
  return [] { return std::make_unique<B>(); };
}

INSTANTIATE_TEST_SUITE_P(
    Broken, BackendConformance,
    ::testing::Values(testing::BackendCase{"ignores_beta", backendOf<IgnoresBeta>()},
                      testing::BackendCase{"writes_between_rows", backendOf<WritesBetweenRows>()}),
    testing::CaseName{});

INSTANTIATE_TEST_SUITE_P(Broken, BackendThreads,
                         ::testing::Values(testing::BackendCase{"threads_change_the_bits",
                                                                backendOf<ThreadsChangeTheBits>()}),
                         testing::CaseName{});

}  // namespace
}  // namespace tunelab
