#pragma once

// The scalar formulas of the element-wise activations and of their derivatives, written as
// Keras 3 computes them (core/Activation.cpp applies them to matrices). A derivative is taken
// from the output y where it can be, so the layer need not keep the input.

#include <algorithm>
#include <cmath>

#include "core/Activation.h"

namespace tunelab::formulas {

// SELU's constants (Klambauer et al. 2017), as Keras and PyTorch write them.
constexpr float kSeluAlpha = 1.67326324235437728481704299167F;
constexpr float kSeluScale = 1.05070098735548049341933498529F;
constexpr float kInvSqrt2 = 0.70710678118654752F;
constexpr float kInvSqrt2Pi = 0.39894228040143268F;

inline float sigmoid(float x) {
  // Both branches stay finite: exp of a non-positive number never overflows.
  if (x >= 0.0F) return 1.0F / (1.0F + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.0F + e);
}

// 1 or 0 when sigmoid(x) is clearly above or below 0.5, else (near 0, or NaN) sigmoid(x): a value
// on the same side of 0.5 as sigmoid(x), without its exponential for most x. Beyond +-2^-10,
// sigmoid is 0.5 +- 2.4e-4, thousands of roundings away from 0.5.
constexpr float kSidesOfHalfClear = 0x1p-10F;
inline float sigmoidSideOfHalf(float x) {
  if (x > kSidesOfHalfClear) return 1.0F;
  if (x < -kSidesOfHalfClear) return 0.0F;
  return sigmoid(x);
}

inline float relu6(float x) { return std::min(std::max(x, 0.0F), 6.0F); }

// log(1 + e^x) without overflow for large x nor loss of digits for very negative x.
inline float softplus(float x) { return std::max(x, 0.0F) + std::log1p(std::exp(-std::fabs(x))); }

inline float logSigmoid(float x) { return std::min(x, 0.0F) - std::log1p(std::exp(-std::fabs(x))); }

inline float hardSigmoid(float x) { return relu6(x + 3.0F) / 6.0F; }

inline float selu(float x) { return kSeluScale * (x > 0.0F ? x : kSeluAlpha * std::expm1(x)); }

inline float gelu(float x) { return 0.5F * x * (1.0F + std::erf(x * kInvSqrt2)); }

// Keras relu(x, negative_slope, max_value, threshold): x above the threshold (capped at
// max_value), negative_slope * (x - threshold) at or below it.
inline float kerasRelu(float x, const Activation& a) {
  return x > a.threshold ? std::min(x, a.maxValue) : a.alpha * (x - a.threshold);
}

// Derivatives from the output y. Above its threshold relu's output is positive (max_value > 0,
// threshold >= 0 are enforced by parseActivation); at or below it, it is <= 0.
inline float kerasReluSlope(float y, const Activation& a) {
  if (y > 0.0F) return y < a.maxValue ? 1.0F : 0.0F;
  return a.alpha;
}

// softplus' = sigmoid(x) = 1 - e^-y.
inline float softplusSlope(float y) { return -std::expm1(-y); }
// softsign' = 1 / (1 + |x|)^2 and 1 - |y| = 1 / (1 + |x|).
inline float softsignSlope(float y) {
  const float r = 1.0F - std::fabs(y);
  return r * r;
}
inline float hardSigmoidSlope(float y) { return y > 0.0F && y < 1.0F ? 1.0F / 6.0F : 0.0F; }
inline float seluSlope(float y) { return y > 0.0F ? kSeluScale : y + kSeluScale * kSeluAlpha; }
inline bool relu6Passes(float y) { return y > 0.0F && y < 6.0F; }
// log_sigmoid' = sigmoid(-x) = 1 - sigmoid(x) = 1 - e^y.
inline float logSigmoidSlope(float y) { return -std::expm1(y); }
// For x <= 0, y = alpha (e^(x/alpha) - 1), so y' = e^(x/alpha) = y / alpha + 1.
inline float celuSlope(float y, float alpha) { return y > 0.0F ? 1.0F : y / alpha + 1.0F; }

// Derivatives from the input x.
inline float geluSlope(float x) {
  const float cdf = 0.5F * (1.0F + std::erf(x * kInvSqrt2));
  const float pdf = kInvSqrt2Pi * std::exp(-0.5F * x * x);
  return cdf + x * pdf;
}
inline float swishSlope(float x) {
  const float s = sigmoid(x);
  return s + x * s * (1.0F - s);
}
inline float mish(float x) { return x * std::tanh(softplus(x)); }
inline float mishSlope(float x) {
  const float t = std::tanh(softplus(x));
  return t + x * sigmoid(x) * (1.0F - t * t);
}
inline float hardSilu(float x) { return x * hardSigmoid(x); }
// hard_sigmoid(x) + x hard_sigmoid'(x), with hard_sigmoid' zero at and beyond +-3 (as
// TensorFlow differentiates relu6).
inline float hardSiluSlope(float x) {
  if (x <= -3.0F) return 0.0F;
  if (x >= 3.0F) return 1.0F;
  return (2.0F * x + 3.0F) / 6.0F;
}

}  // namespace tunelab::formulas
