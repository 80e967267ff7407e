#include "GaussianNoise.h"

#include "core/Options.h"

namespace example {

GaussianNoise::GaussianNoise(const nlohmann::json& options) {
  tunelab::Options o(options, "a gaussian_noise layer");
  stddev_ = o.number("stddev", 0.1, {.min = 0});
  o.finish();  // an unknown key is an error with a "did you mean" suggestion
}

void GaussianNoise::forward(tunelab::LayerContext& ctx, tunelab::ConstMatrixView in,
                            tunelab::MatrixView out) {
  for (std::size_t r = 0; r < in.rows; ++r) {
    for (std::size_t c = 0; c < in.cols; ++c) {
      const double noise = ctx.training ? stddev_ * ctx.rng.normal() : 0.0;
      out(r, c) = in(r, c) + static_cast<float>(noise);
    }
  }
}

void GaussianNoise::backward(tunelab::LayerContext& /*ctx*/, tunelab::ConstMatrixView /*in*/,
                             tunelab::ConstMatrixView /*out*/, tunelab::ConstMatrixView dOut,
                             tunelab::MatrixView dIn) {
  if (dIn.data == nullptr) return;  // the first layer needs no input gradient
  for (std::size_t r = 0; r < dOut.rows; ++r) {
    for (std::size_t c = 0; c < dOut.cols; ++c) dIn(r, c) = dOut(r, c);
  }
}

}  // namespace example
