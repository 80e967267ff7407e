#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/Export.h"
#include "core/Matrix.h"

namespace tunelab {

enum class ActivationKind : std::uint8_t {
  Linear,
  Relu,
  LeakyRelu,
  Elu,
  Tanh,
  Sigmoid,
  Softmax,  // over each row
  Gelu,     // tanh approximation, as Keras gelu(approximate=True)... see Activation.cpp
  Swish,    // x * sigmoid(x)
};

/// An activation function and its parameter (alpha of leaky_relu and elu).
struct Activation {
  ActivationKind kind = ActivationKind::Linear;
  float alpha = 0.0F;
  bool operator==(const Activation&) const = default;
};

/// Parses a Keras name ("relu", "leaky_relu", ...). Throws ConfigError listing the valid
/// names when `name` is not one. leaky_relu defaults to alpha 0.3 and elu to 1.0 (Keras).
TUNELAB_API Activation parseActivation(std::string_view name);
TUNELAB_API std::string_view activationName(ActivationKind kind);
TUNELAB_API std::vector<std::string> activationNames();

/// True when the derivative needs the activation's input, not only its output (gelu, swish);
/// such an activation cannot be fused into a GEMM whose input is then discarded.
TUNELAB_API bool activationNeedsInput(ActivationKind kind);

/// y = act(x), element by element (row by row for softmax). x and y may be the same memory.
TUNELAB_API void applyActivation(Activation act, ConstMatrixView x, MatrixView y);

/// dx = dy * act'(x); `x` is the activation's input (may be empty unless activationNeedsInput),
/// `y` its output. dx may alias dy.
TUNELAB_API void activationGradient(Activation act, ConstMatrixView x, ConstMatrixView y,
                                    ConstMatrixView dy, MatrixView dx);

}  // namespace tunelab
