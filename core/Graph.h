#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/Backend.h"
#include "core/Export.h"
#include "core/Layer.h"
#include "core/LayerRegistry.h"
#include "core/Loss.h"
#include "core/Matrix.h"
#include "core/Shape.h"

namespace tunelab {

/// One layer as the experiment file gives it: its type and its options (without "type").
struct LayerSpec {
  std::string type;
  nlohmann::json options = nlohmann::json::object();
};

/// One row of a Keras-style model summary.
struct LayerSummary {
  std::string name;  // "dense_1"
  std::string type;
  Shape outputShape;
  std::size_t trainable = 0;
  std::size_t nonTrainable = 0;
};

/// A sequential model: its layers, and one flat buffer each for the trainable parameters,
/// their gradients and the non-trainable state, sliced between the layers.
class TUNELAB_API Graph {
 public:
  /// Builds the layers for samples of `input` shape. When `loss` is fused with an output
  /// activation, the last layer must apply it (checked; ConfigError otherwise) and the Graph
  /// moves it out of the layer: forward() then yields logits and predict() probabilities.
  /// Errors carry the key path "layers[i]...".
  Graph(const std::vector<LayerSpec>& layers, const Shape& input, const Loss& loss,
        const LayerRegistry& registry);
  ~Graph();
  Graph(Graph&&) noexcept;
  Graph& operator=(Graph&&) noexcept;

  /// Draws all parameters (layer by layer, in order) and resets the state.
  void initialize(Rng& rng);

  /// Runs the layers on a batch (skipping those that pass their input through in this mode,
  /// see Layer::passesThrough); returns the last layer's output (logits when the loss is
  /// fused). The view stays valid until the next forward() with another batch size.
  ConstMatrixView forward(LayerContext& ctx, ConstMatrixView x);
  /// Back-propagates d(loss)/d(output of forward()) and fills grads() (including the
  /// regularisation gradients). Must follow forward() on the same x, in the same mode.
  void backward(LayerContext& ctx, ConstMatrixView x, ConstMatrixView dOutput);

  /// Model outputs after the output activation (probabilities), in batches.
  Matrix predict(Backend& backend, Rng& rng, ConstMatrixView x, std::size_t batchSize = 1024);
  /// Applies the output activation the Graph took over from the last layer (if any) in place.
  void applyOutputActivation(MatrixView logits) const;

  /// Sum of the layers' regularisation penalties.
  double regularizationPenalty() const;
  /// Projects every layer's parameters onto its constraints; after each optimizer step.
  void applyConstraints();

  std::span<float> params() { return params_; }
  std::span<const float> params() const { return params_; }
  std::span<float> grads() { return grads_; }
  std::span<float> state() { return state_; }
  std::span<const float> state() const { return state_; }
  /// Offsets where each parameter tensor (kernel, bias...) starts, plus the total at the end.
  std::vector<std::size_t> tensorBounds() const;

  const Shape& inputShape() const { return input_; }
  const Shape& outputShape() const { return shapes_.back(); }
  std::optional<Activation> outputActivation() const { return outputActivation_; }
  std::size_t layerCount() const { return layers_.size(); }
  Layer& layer(std::size_t i) { return *layers_[i]; }
  const Layer& layer(std::size_t i) const { return *layers_[i]; }

  std::vector<LayerSummary> summary() const;
  /// The summary as Keras prints it (table with totals).
  std::string summaryText(const std::string& modelName = "sequential") const;

 private:
  void ensureActivations(std::size_t batch);

  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<Shape> shapes_;  // shapes_[i] = input of layer i; back() = model output
  std::vector<std::size_t> paramOffsets_;
  std::vector<std::size_t> stateOffsets_;
  FloatBuffer params_;
  FloatBuffer grads_;
  FloatBuffer state_;
  std::optional<Activation> outputActivation_;
  Shape input_;
  // Per-layer outputs and gradients: the first batch_ rows of each (see ensureActivations).
  MatrixView output(std::size_t layer);
  MatrixView inputGradient(std::size_t layer);
  std::size_t batch_ = 0;
  std::vector<ConstMatrixView> inputs_;  // each layer's input in the last forward pass
  std::vector<char> skipped_;            // whether it passed its input through
  std::vector<char> skippable_;          // whether its claim to pass through is honoured
  std::size_t firstRun_ = 0;             // the first layer the last forward pass ran
  void markSkippable();
  std::vector<Matrix> outputs_;
  std::vector<Matrix> gradients_;
};

}  // namespace tunelab
