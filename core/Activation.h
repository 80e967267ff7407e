#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/Export.h"
#include "core/Matrix.h"

namespace tunelab {

/// The activations of keras.activations that make sense in an MLP (formulas in
/// docs/experiment-format.md).
enum class ActivationKind : std::uint8_t {
  Linear,
  Relu,  // Keras relu: negative_slope, max_value and threshold in Activation
  LeakyRelu,
  Elu,
  Tanh,
  Sigmoid,
  Softmax,  // over each row
  Gelu,     // exact (erf), as keras.activations.gelu's default approximate=False
  Swish,    // x * sigmoid(x); Keras 3 calls it silu
  Softplus,
  Softsign,
  HardSigmoid,  // relu6(x + 3) / 6, Keras 3 (Keras 2 used clip(0.2x + 0.5, 0, 1))
  Selu,
  Exponential,
  Relu6,
  Mish,
  HardSilu,  // x * hard_sigmoid(x); alias hard_swish
  LogSigmoid,
  Celu,
  LogSoftmax,  // over each row
};

/// An activation function and its parameters.
struct Activation {
  ActivationKind kind = ActivationKind::Linear;
  /// The slope below the threshold of relu and leaky_relu (Keras 3 negative_slope, Keras 2
  /// alpha); alpha of elu and celu.
  float alpha = 0.0F;
  float maxValue = std::numeric_limits<float>::infinity();  // relu's max_value
  float threshold = 0.0F;                                   // relu's threshold
  bool operator==(const Activation&) const = default;
};

/// A Keras activation: a name ("relu", "leaky_relu") or a mapping with its parameters
/// ({type: leaky_relu, negative_slope: 0.1}). Defaults: leaky_relu 0.3, elu and celu alpha 1.
/// Throws ConfigError with the key path inside `spec` ("" for a bad name given as a string,
/// "type" or the parameter's key for a mapping); unknown names get a "did you mean".
TUNELAB_API Activation parseActivation(const nlohmann::json& spec);
/// The canonical name of a kind ("swish" for swish/silu).
TUNELAB_API std::string_view activationName(ActivationKind kind);
/// Every accepted name, aliases included.
TUNELAB_API std::vector<std::string> activationNames();
/// The name with the parameters that differ from their defaults: "leaky_relu(alpha=0.1)".
TUNELAB_API std::string describeActivation(const Activation& act);

/// True when the derivative needs the activation's input, not only its output (gelu, swish,
/// mish, hard_silu); such an activation cannot be fused into a GEMM whose input is then
/// discarded.
TUNELAB_API bool activationNeedsInput(ActivationKind kind);

/// y = act(x), element by element (row by row for softmax and log_softmax). x and y may be the
/// same memory.
TUNELAB_API void applyActivation(Activation act, ConstMatrixView x, MatrixView y);

/// y = a value on the same side of 0.5 as sigmoid(x): sigmoid(x) near 0, else 1 or 0 (see
/// Metric::readsOnlyTheSideOfHalf). x and y must not overlap.
TUNELAB_API void sigmoidSidesOfHalf(ConstMatrixView x, MatrixView y);

/// y = act(y + bias) (bias: one per column, or empty), in one pass over y for linear and plain
/// relu, the usual hidden layers: what a backend computes after the product of a dense layer.
TUNELAB_API void addBiasAndActivate(Activation act, std::span<const float> bias, MatrixView y);

/// dx = dy * act'(x); `x` is the activation's input (may be empty unless activationNeedsInput),
/// `y` its output. dx may alias dy.
TUNELAB_API void activationGradient(Activation act, ConstMatrixView x, ConstMatrixView y,
                                    ConstMatrixView dy, MatrixView dx);

}  // namespace tunelab
