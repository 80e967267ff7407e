#include "plugins/testing/LayerHarness.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace tunelab::testing {

LayerHarness::LayerHarness(const LayerMaker& make, Shape input)
    : layer_(make()), input_(std::move(input)) {
  params_.resize(layer_->parameterCount(input_));
  grads_.resize(params_.size());
  state_.resize(layer_->stateCount(input_));
  bind();
  Rng rng(11);
  layer_->initialize(rng);
  for (auto& p : params_) p += 0.1F * static_cast<float>(rng.normal());
}

LayerHarness::LayerHarness(const LayerMaker& make, const LayerHarness& source)
    : layer_(make()),
      input_(source.input_),
      params_(source.params_),
      grads_(source.grads_.size()),
      state_(source.state_) {
  bind();
}

void LayerHarness::bind() { layer_->bind(input_, LayerBuffers{params_, grads_, state_}); }

std::size_t LayerHarness::outputColumns() const { return layer_->outputShape(input_).elements(); }

Matrix LayerHarness::forward(const Matrix& x, bool training, std::uint64_t seed) {
  Matrix out(x.rows(), outputColumns(), std::nanf(""));
  Rng rng(seed);
  LayerContext ctx{backend_, rng, training};
  layer_->forward(ctx, x.cview(), out.view());
  return out;
}

Matrix LayerHarness::backward(const Matrix& x, const Matrix& weights, bool training,
                              bool wantInput) {
  Matrix out(x.rows(), outputColumns());
  Matrix dIn(wantInput ? x.rows() : 0, wantInput ? x.cols() : 0);
  Rng rng(99);
  LayerContext ctx{backend_, rng, training};
  const std::vector<float> savedState = state_;
  layer_->forward(ctx, x.cview(), out.view());
  layer_->backward(ctx, x.cview(), out.cview(), weights.cview(),
                   wantInput ? dIn.view() : MatrixView{});
  state_ = savedState;
  return dIn;
}

double LayerHarness::objective(const Matrix& x, const Matrix& weights, bool training) {
  const std::vector<float> savedState = state_;
  const Matrix out = forward(x, training);
  state_ = savedState;
  double sum = layer_->regularizationPenalty();
  for (std::size_t i = 0; i < out.size(); ++i) {
    sum += static_cast<double>(out.data()[i]) * weights.data()[i];
  }
  return sum;
}

Matrix randomMatrix(std::size_t rows, std::size_t cols, Rng& rng, float scale) {
  Matrix m(rows, cols);
  for (auto& v : m.values()) v = scale * static_cast<float>(rng.normal());
  return m;
}

double gradientMismatch(double analytic, double numeric) {
  return std::fabs(analytic - numeric) / std::max({1e-2, std::fabs(analytic), std::fabs(numeric)});
}

}  // namespace tunelab::testing
