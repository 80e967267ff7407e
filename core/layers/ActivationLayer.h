#pragma once

#include <nlohmann/json.hpp>

#include "core/Layer.h"

namespace tunelab {

/// Keras Activation: applies an activation function element-wise (softmax per row).
class ActivationLayer final : public Layer {
 public:
  explicit ActivationLayer(const nlohmann::json& options);
  ~ActivationLayer() override;

  std::string_view type() const override { return "activation"; }
  Shape outputShape(const Shape& input) const override { return input; }
  void forward(LayerContext& ctx, ConstMatrixView in, MatrixView out) override;
  void backward(LayerContext& ctx, ConstMatrixView in, ConstMatrixView out, ConstMatrixView dOut,
                MatrixView dIn) override;
  std::optional<Activation> finalActivation() const override { return activation_; }
  void removeFinalActivation() override { activation_ = Activation{}; }
  std::string describe() const override { return describeActivation(activation_); }

 private:
  Activation activation_;
};

}  // namespace tunelab
