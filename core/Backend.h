#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/Activation.h"
#include "core/Export.h"
#include "core/Matrix.h"

namespace tunelab {

enum class Transpose : std::uint8_t { No, Yes };

/// The scalars of one Adam step (see Backend::adamUpdate).
struct AdamStep {
  float alpha = 0;  // learning rate x sqrt(1 - beta2^t) / (1 - beta1^t)
  float beta1 = 0.9F;
  float beta2 = 0.999F;
  float epsilon = 1e-7F;
};

/// The Adam step as a plain loop over the flat buffers (what Backend::adamUpdate does unless a
/// backend overrides it). The buffers must not overlap.
TUNELAB_API void adamUpdateLoop(std::span<float> params, std::span<const float> grads,
                                std::span<float> m, std::span<float> v, const AdamStep& step);

/// The narrow set of compute operations the layers and optimizers need, on non-owning
/// row-major float views. One instance per trial, never shared between threads. The
/// reference backend (backends/reference) is the oracle every other backend is tested against.
class TUNELAB_API Backend {
 public:
  virtual ~Backend();

  virtual std::string_view name() const = 0;
  virtual void setThreads(int threads) = 0;
  virtual int threads() const = 0;
  /// The library, its version and the kernel it runs, for `tunelab backends`; a line that
  /// starts with "warning:" tells the user how to get a faster kernel.
  virtual std::string description() const;

  /// c = alpha * op(a) * op(b) + beta * c. With beta == 0, c is not read (may hold NaN).
  virtual void gemm(Transpose ta, Transpose tb, float alpha, ConstMatrixView a, ConstMatrixView b,
                    float beta, MatrixView c) = 0;

  /// y = act(x * w + bias) in one pass. w is (in x out); bias may be empty (no bias).
  virtual void denseForward(ConstMatrixView x, ConstMatrixView w, std::span<const float> bias,
                            Activation act, MatrixView y) = 0;

  /// dx = dy * act'(x); see activationGradient. dx may alias dy.
  virtual void activationBackward(Activation act, ConstMatrixView x, ConstMatrixView y,
                                  ConstMatrixView dy, MatrixView dx) = 0;

  /// out[j] = sum_i m(i, j) (overwrites out): the bias gradient.
  virtual void columnSums(ConstMatrixView m, std::span<float> out) = 0;
  /// One Adam step over the flat buffers (the optimizer's update): m += (g - m)(1 - beta1),
  /// v += (g^2 - v)(1 - beta2), p -= alpha m / (sqrt(v) + epsilon), where alpha carries the
  /// learning rate and the bias corrections. The default is a vectorised loop on this thread.
  virtual void adamUpdate(std::span<float> params, std::span<const float> grads, std::span<float> m,
                          std::span<float> v, const AdamStep& step);
};

}  // namespace tunelab
