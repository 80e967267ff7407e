#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "core/Layer.h"

namespace tunelab {

/// Keras BatchNormalization over the features of each sample. Training normalises with the
/// batch statistics (biased variance) and updates the moving statistics; evaluation uses the
/// moving statistics. Parameters: gamma (if scale), beta (if center). State: moving_mean,
/// moving_variance.
class BatchNormalization final : public Layer {
 public:
  explicit BatchNormalization(const nlohmann::json& options);
  ~BatchNormalization() override;

  std::string_view type() const override { return "batch_normalization"; }
  Shape outputShape(const Shape& input) const override { return input; }
  std::size_t parameterCount(const Shape& input) const override;
  std::size_t stateCount(const Shape& input) const override;
  std::vector<ParameterTensor> parameterTensors(const Shape& input) const override;
  void bind(const Shape& input, const LayerBuffers& buffers) override;
  void initialize(Rng& rng) override;
  void forward(LayerContext& ctx, ConstMatrixView in, MatrixView out) override;
  void backward(LayerContext& ctx, ConstMatrixView in, ConstMatrixView out, ConstMatrixView dOut,
                MatrixView dIn) override;
  std::string describe() const override;

 private:
  float gamma(std::size_t j) const { return scale_ ? buffers_.params[j] : 1.0F; }

  float momentum_ = 0.99F;
  float epsilon_ = 1e-3F;
  bool center_ = true;
  bool scale_ = true;
  std::size_t features_ = 0;
  LayerBuffers buffers_;
  // From the last forward pass, for backward.
  bool trainingPass_ = false;
  FloatBuffer normalized_;         // x-hat, rows x features
  std::vector<float> inverseStd_;  // per feature
};

}  // namespace tunelab
