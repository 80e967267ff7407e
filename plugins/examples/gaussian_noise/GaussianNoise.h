#pragma once

#include <nlohmann/json.hpp>

#include "core/Layer.h"

namespace example {

/// Keras GaussianNoise: adds zero-mean normal noise of `stddev` to every input while training
/// (a regulariser); the identity at evaluation.
class GaussianNoise final : public tunelab::Layer {
 public:
  explicit GaussianNoise(const nlohmann::json& options);

  std::string_view type() const override { return "gaussian_noise"; }
  tunelab::Shape outputShape(const tunelab::Shape& input) const override { return input; }
  void forward(tunelab::LayerContext& ctx, tunelab::ConstMatrixView in,
               tunelab::MatrixView out) override;
  void backward(tunelab::LayerContext& ctx, tunelab::ConstMatrixView in,
                tunelab::ConstMatrixView out, tunelab::ConstMatrixView dOut,
                tunelab::MatrixView dIn) override;

 private:
  double stddev_ = 0.1;
};

}  // namespace example
