#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "backends/reference/ReferenceBackend.h"
#include "core/Layer.h"
#include "core/Matrix.h"
#include "core/Rng.h"
#include "core/Shape.h"

namespace tunelab::testing {

/// Makes one instance of the layer under test, with its options (as its plugin's factory would
/// from the experiment file).
using LayerMaker = std::function<std::unique_ptr<Layer>()>;

/// A layer with buffers of its own, as a Graph would give it, on the reference backend. The
/// scalar it is checked against is L = sum(out .* weights) + regularizationPenalty(), so
/// dL/dout = weights.
class LayerHarness {
 public:
  /// Binds and initialises the layer (Rng 11), then shifts every parameter by a small random
  /// amount so that biases and scales are not at their special initial values.
  LayerHarness(const LayerMaker& make, Shape input);
  /// A second instance from `make`, bound to copies of `source`'s parameters and state: what a
  /// checkpoint or a model file restores.
  LayerHarness(const LayerMaker& make, const LayerHarness& source);

  /// out = layer(x); the random stream is Rng(seed), so dropout draws the same mask each time.
  Matrix forward(const Matrix& x, bool training, std::uint64_t seed = 99);
  /// forward() then backward() with dOut = weights; returns dIn (empty when `wantInput` is
  /// false: the first layer of a model gets no input gradient) and leaves grads() filled. The
  /// state is put back afterwards.
  Matrix backward(const Matrix& x, const Matrix& weights, bool training, bool wantInput = true);
  /// L for x in the given mode. The state (moving statistics) is put back afterwards, so
  /// evaluations do not drift.
  double objective(const Matrix& x, const Matrix& weights, bool training);

  Layer& layer() { return *layer_; }
  const Shape& input() const { return input_; }
  std::size_t outputColumns() const;
  std::vector<float>& params() { return params_; }
  std::vector<float>& grads() { return grads_; }
  std::vector<float>& state() { return state_; }

 private:
  void bind();

  std::unique_ptr<Layer> layer_;
  Shape input_;
  std::vector<float> params_;
  std::vector<float> grads_;
  std::vector<float> state_;
  ReferenceBackend backend_;
};

/// A batch x columns matrix of scale * N(0, 1) values.
Matrix randomMatrix(std::size_t rows, std::size_t cols, Rng& rng, float scale = 1.0F);

/// |analytic - numeric| relative to the larger of them, or to 0.01 for tiny values.
double gradientMismatch(double analytic, double numeric);

}  // namespace tunelab::testing
