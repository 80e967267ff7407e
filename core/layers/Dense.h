#pragma once

#include <nlohmann/json.hpp>

#include "core/Constraint.h"
#include "core/Initializer.h"
#include "core/Layer.h"
#include "core/Regularizer.h"

namespace tunelab {

/// Keras Dense: y = activation(x * kernel + bias). Parameters: kernel (inputs x units,
/// row-major), then bias (units). Constraints are applied after every optimizer step.
class Dense final : public Layer {
 public:
  explicit Dense(const nlohmann::json& options);
  ~Dense() override;

  std::string_view type() const override { return "dense"; }
  Shape outputShape(const Shape& input) const override;
  std::size_t parameterCount(const Shape& input) const override;
  std::vector<ParameterTensor> parameterTensors(const Shape& input) const override;
  void bind(const Shape& input, const LayerBuffers& buffers) override;
  void initialize(Rng& rng) override;
  void forward(LayerContext& ctx, ConstMatrixView in, MatrixView out) override;
  void backward(LayerContext& ctx, ConstMatrixView in, ConstMatrixView out, ConstMatrixView dOut,
                MatrixView dIn) override;
  double regularizationPenalty() const override;
  void applyConstraints() override;
  std::optional<Activation> finalActivation() const override { return activation_; }
  void removeFinalActivation() override { activation_ = Activation{}; }
  std::string describe() const override;

 private:
  // The kernel ((inputs, units), row-major) and bias (units) within the parameter buffer.
  ConstMatrixView kernelView() const;
  ConstMatrixView biasView() const;
  std::span<float> kernel();
  std::span<float> bias();

  std::size_t units_ = 0;
  std::size_t inputs_ = 0;
  Shape kernelShape_;  // {inputs_, units_}, for the constraints
  Shape biasShape_;
  Activation activation_;
  bool useBias_ = true;
  Initializer kernelInitializer_;
  Initializer biasInitializer_;
  Regularizer kernelRegularizer_;
  Regularizer biasRegularizer_;
  Constraint kernelConstraint_;
  Constraint biasConstraint_;
  LayerBuffers buffers_;
  Matrix preActivation_;  // kept only for activations whose derivative needs the input
  Matrix dPreActivation_;
};

}  // namespace tunelab
