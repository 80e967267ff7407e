// Layers with one seeded defect each: the kit's gradient check must fail on them.
#include <memory>

#include "plugins/testing/LayerGradientCheck.h"

namespace tunelab {
namespace {

using testing::LayerGradientCheck;

// y = x, correct: the defects are in its subclasses.
class Identity : public Layer {
 public:
  std::string_view type() const override { return "broken"; }
  Shape outputShape(const Shape& input) const override { return input; }
  void forward(LayerContext& /*ctx*/, ConstMatrixView in, MatrixView out) override {
    for (std::size_t r = 0; r < in.rows; ++r) {
      for (std::size_t c = 0; c < in.cols; ++c) out(r, c) = in(r, c);
    }
  }
  void backward(LayerContext& /*ctx*/, ConstMatrixView /*in*/, ConstMatrixView /*out*/,
                ConstMatrixView dOut, MatrixView dIn) override {
    if (dIn.data == nullptr) return;
    for (std::size_t r = 0; r < dOut.rows; ++r) {
      for (std::size_t c = 0; c < dOut.cols; ++c) dIn(r, c) = dOut(r, c);
    }
  }
};

class DoublesItsInputGradient final : public Identity {
 public:
  void backward(LayerContext& ctx, ConstMatrixView in, ConstMatrixView out, ConstMatrixView dOut,
                MatrixView dIn) override {
    Identity::backward(ctx, in, out, dOut, dIn);
    for (std::size_t r = 0; r < dIn.rows; ++r) {
      for (std::size_t c = 0; c < dIn.cols; ++c) dIn(r, c) *= 2.0F;
    }
  }
};

// y = x .* w (a weight per feature), dividing its weight gradient by the batch size again,
// though dOut already carries the 1/batch factor of the mean loss.
class DividesByTheBatch final : public Identity {
 public:
  std::size_t parameterCount(const Shape& input) const override { return input.elements(); }
  std::vector<ParameterTensor> parameterTensors(const Shape& input) const override {
    return {{"scale", 0, input.elements()}};
  }
  void bind(const Shape& /*input*/, const LayerBuffers& buffers) override { buffers_ = buffers; }
  void initialize(Rng& rng) override {
    for (auto& w : buffers_.params) w = 1.0F + 0.1F * static_cast<float>(rng.normal());
  }
  void forward(LayerContext& /*ctx*/, ConstMatrixView in, MatrixView out) override {
    for (std::size_t r = 0; r < in.rows; ++r) {
      for (std::size_t c = 0; c < in.cols; ++c) out(r, c) = in(r, c) * buffers_.params[c];
    }
  }
  void backward(LayerContext& /*ctx*/, ConstMatrixView in, ConstMatrixView /*out*/,
                ConstMatrixView dOut, MatrixView dIn) override {
    for (std::size_t c = 0; c < in.cols; ++c) {
      float sum = 0.0F;
      for (std::size_t r = 0; r < in.rows; ++r) sum += dOut(r, c) * in(r, c);
      buffers_.grads[c] = sum / static_cast<float>(in.rows);
    }
    if (dIn.data == nullptr) return;
    for (std::size_t r = 0; r < in.rows; ++r) {
      for (std::size_t c = 0; c < in.cols; ++c) dIn(r, c) = dOut(r, c) * buffers_.params[c];
    }
  }

 private:
  LayerBuffers buffers_;
};

// Shifts its evaluation output by the last training batch's first input: a statistic kept in
// the object instead of the state buffer, so checkpoints and model files lose it.
class KeepsStateOutsideItsBuffer final : public Identity {
 public:
  void forward(LayerContext& ctx, ConstMatrixView in, MatrixView out) override {
    Identity::forward(ctx, in, out);
    if (ctx.training) {
      remembered_ = in(0, 0);
    } else {
      for (std::size_t r = 0; r < in.rows; ++r) out(r, 0) += remembered_;
    }
  }

 private:
  float remembered_ = 0.0F;
};

// Says it passes its input through in training, so the Graph would skip it, but doubles its
// input and its gradient (a consistent layer: only the claim is wrong).
class ClaimsToPassThrough final : public Identity {
 public:
  bool passesThrough(bool training) const override { return training; }
  void forward(LayerContext& ctx, ConstMatrixView in, MatrixView out) override {
    Identity::forward(ctx, in, out);
    doubleAll(out);
  }
  void backward(LayerContext& ctx, ConstMatrixView in, ConstMatrixView out, ConstMatrixView dOut,
                MatrixView dIn) override {
    Identity::backward(ctx, in, out, dOut, dIn);
    doubleAll(dIn);
  }

 private:
  static void doubleAll(MatrixView m) {
    for (std::size_t r = 0; r < m.rows; ++r) {
      for (std::size_t c = 0; c < m.cols; ++c) m(r, c) *= 2.0F;
    }
  }
};

INSTANTIATE_TEST_SUITE_P(
    Broken, LayerGradientCheck,
    ::testing::Values(
        testing::LayerCase{"doubles_its_input_gradient",
                           [] { return std::make_unique<DoublesItsInputGradient>(); }, Shape{4}},
        testing::LayerCase{"divides_by_the_batch",
                           [] { return std::make_unique<DividesByTheBatch>(); }, Shape{4}},
        testing::LayerCase{"keeps_state_outside_its_buffer",
                           [] { return std::make_unique<KeepsStateOutsideItsBuffer>(); }, Shape{4}},
        testing::LayerCase{"claims_to_pass_through",
                           [] { return std::make_unique<ClaimsToPassThrough>(); }, Shape{4}}),
    testing::CaseName{});

}  // namespace
}  // namespace tunelab
