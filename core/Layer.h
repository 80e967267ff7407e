#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/Activation.h"
#include "core/Backend.h"
#include "core/Export.h"
#include "core/Matrix.h"
#include "core/Rng.h"
#include "core/Shape.h"

namespace tunelab {

/// What a layer may use while it runs: the trial's backend and random stream, and whether
/// this is a training pass (dropout on, batch statistics) or an evaluation pass.
struct LayerContext {
  Backend& backend;
  Rng& rng;
  bool training = false;
};

/// The slices of the Graph's flat buffers that belong to one layer. Layers own no parameter
/// memory: an optimizer step is one pass over all parameters and a checkpoint one copy.
struct LayerBuffers {
  std::span<float> params;  // trainable parameters
  std::span<float> grads;   // same size as params; backward() overwrites it
  std::span<float> state;   // non-trainable state (batch norm moving statistics)
};

/// A named part of a layer's parameters ("kernel", "bias"), for summaries, per-tensor
/// clipping and regularisation. Offsets are relative to the layer's params span.
struct ParameterTensor {
  std::string name;
  std::size_t offset = 0;
  std::size_t size = 0;
};

/// One layer of a sequential model. A layer instance belongs to one Graph (one trial); it may
/// keep per-batch scratch (dropout mask, batch statistics) between forward and backward.
class TUNELAB_API Layer {
 public:
  virtual ~Layer();

  /// The registered type name ("dense").
  virtual std::string_view type() const = 0;

  /// The per-sample output shape for `input`; throws ConfigError when the layer cannot take it.
  virtual Shape outputShape(const Shape& input) const = 0;

  /// Trainable parameters for `input` (Keras "trainable params").
  virtual std::size_t parameterCount(const Shape& input) const;
  /// Non-trainable state (Keras "non-trainable params"), e.g. batch norm moving mean/variance.
  virtual std::size_t stateCount(const Shape& input) const;
  virtual std::vector<ParameterTensor> parameterTensors(const Shape& input) const;

  /// Hands the layer its buffer slices; called once by the Graph before initialize().
  virtual void bind(const Shape& input, const LayerBuffers& buffers);
  /// Draws initial parameters and resets state.
  virtual void initialize(Rng& rng);

  /// out = layer(in). in and out have batch rows; out has outputShape().elements() columns.
  virtual void forward(LayerContext& ctx, ConstMatrixView in, MatrixView out) = 0;

  /// Given dOut = dLoss/dout, writes dIn = dLoss/din (skipped when dIn.data is null, for the
  /// first layer) and overwrites this layer's gradient slice. `in` and `out` are the values of
  /// the forward pass just before.
  virtual void backward(LayerContext& ctx, ConstMatrixView in, ConstMatrixView out,
                        ConstMatrixView dOut, MatrixView dIn) = 0;

  /// The regularisation term this layer adds to the loss (its gradient is added by backward).
  virtual double regularizationPenalty() const;
  /// Projects the parameters onto their constraints (Keras kernel_constraint): called after
  /// every optimizer step. Does nothing by default.
  virtual void applyConstraints();

  /// True when forward would copy `in` to `out` unchanged in this mode (`training` or
  /// evaluation), and backward dOut to dIn: the Graph then skips the layer and both copies, and
  /// calls neither forward nor backward. A dropout layer at evaluation or at rate 0. Honoured
  /// only for a layer without parameters or state whose output has as many values as its
  /// input, and never for the last layer. False by default.
  virtual bool passesThrough(bool training) const;

  /// The activation applied last, if the layer applies one (dense, activation).
  virtual std::optional<Activation> finalActivation() const;
  /// Makes the layer output its pre-activation values: a loss fused with the activation
  /// (binary_crossentropy with sigmoid, categorical_crossentropy with softmax) then works on
  /// logits, stably. Only called when finalActivation() had a value.
  virtual void removeFinalActivation();

  /// A short description of the settings for summaries ("64, relu").
  virtual std::string describe() const;
};

}  // namespace tunelab
