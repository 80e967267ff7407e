#include "core/Activation.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

namespace {

struct NamedActivation {
  std::string_view name;
  ActivationKind kind;
  float defaultAlpha;
};

constexpr NamedActivation kActivations[] = {
    {"linear", ActivationKind::Linear, 0.0F},
    {"relu", ActivationKind::Relu, 0.0F},
    {"leaky_relu", ActivationKind::LeakyRelu, 0.3F},
    {"elu", ActivationKind::Elu, 1.0F},
    {"tanh", ActivationKind::Tanh, 0.0F},
    {"sigmoid", ActivationKind::Sigmoid, 0.0F},
    {"softmax", ActivationKind::Softmax, 0.0F},
    {"gelu", ActivationKind::Gelu, 0.0F},
    {"swish", ActivationKind::Swish, 0.0F},
};

inline float sigmoid(float x) {
  // Both branches stay finite: exp of a non-positive number never overflows.
  if (x >= 0.0F) return 1.0F / (1.0F + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.0F + e);
}

constexpr float kInvSqrt2 = 0.70710678118654752F;
constexpr float kInvSqrt2Pi = 0.39894228040143268F;

template <typename F>
void forEach(ConstMatrixView x, MatrixView y, F f) {
  for (std::size_t r = 0; r < x.rows; ++r) {
    const float* in = x.data + r * x.stride;
    float* out = y.data + r * y.stride;
    for (std::size_t c = 0; c < x.cols; ++c) out[c] = f(in[c]);
  }
}

void softmaxRows(ConstMatrixView x, MatrixView y) {
  for (std::size_t r = 0; r < x.rows; ++r) {
    const float* in = x.data + r * x.stride;
    float* out = y.data + r * y.stride;
    const float top = *std::max_element(in, in + x.cols);
    float sum = 0.0F;
    for (std::size_t c = 0; c < x.cols; ++c) {
      out[c] = std::exp(in[c] - top);
      sum += out[c];
    }
    const float inv = 1.0F / sum;
    for (std::size_t c = 0; c < x.cols; ++c) out[c] *= inv;
  }
}

}  // namespace

Activation parseActivation(std::string_view name) {
  for (const auto& a : kActivations) {
    if (a.name == name) return {a.kind, a.defaultAlpha};
  }
  std::string message = "unknown activation '" + std::string(name) + "'";
  if (auto near = nearestName(std::string(name), activationNames()); !near.empty()) {
    message += " (did you mean '" + near + "'?)";
  }
  throw ConfigError("activation", message + "; valid activations: " + joinNames(activationNames()));
}

std::string_view activationName(ActivationKind kind) {
  for (const auto& a : kActivations) {
    if (a.kind == kind) return a.name;
  }
  return "unknown";
}

std::vector<std::string> activationNames() {
  std::vector<std::string> names;
  for (const auto& a : kActivations) names.emplace_back(a.name);
  return names;
}

bool activationNeedsInput(ActivationKind kind) {
  return kind == ActivationKind::Gelu || kind == ActivationKind::Swish;
}

void applyActivation(Activation act, ConstMatrixView x, MatrixView y) {
  const float alpha = act.alpha;
  switch (act.kind) {
    case ActivationKind::Linear:
      if (x.data != y.data) forEach(x, y, [](float v) { return v; });
      return;
    case ActivationKind::Relu:
      forEach(x, y, [](float v) { return v > 0.0F ? v : 0.0F; });
      return;
    case ActivationKind::LeakyRelu:
      forEach(x, y, [alpha](float v) { return v > 0.0F ? v : alpha * v; });
      return;
    case ActivationKind::Elu:
      forEach(x, y, [alpha](float v) { return v > 0.0F ? v : alpha * std::expm1(v); });
      return;
    case ActivationKind::Tanh:
      forEach(x, y, [](float v) { return std::tanh(v); });
      return;
    case ActivationKind::Sigmoid:
      forEach(x, y, sigmoid);
      return;
    case ActivationKind::Softmax:
      softmaxRows(x, y);
      return;
    case ActivationKind::Gelu:
      forEach(x, y, [](float v) { return 0.5F * v * (1.0F + std::erf(v * kInvSqrt2)); });
      return;
    case ActivationKind::Swish:
      forEach(x, y, [](float v) { return v * sigmoid(v); });
      return;
  }
}

void activationGradient(Activation act, ConstMatrixView x, ConstMatrixView y, ConstMatrixView dy,
                        MatrixView dx) {
  const float alpha = act.alpha;
  for (std::size_t r = 0; r < dy.rows; ++r) {
    const float* yr = y.data + r * y.stride;
    const float* g = dy.data + r * dy.stride;
    float* out = dx.data + r * dx.stride;
    const float* xr = x.data == nullptr ? nullptr : x.data + r * x.stride;
    const std::size_t n = dy.cols;
    switch (act.kind) {
      case ActivationKind::Linear:
        for (std::size_t c = 0; c < n; ++c) out[c] = g[c];
        break;
      case ActivationKind::Relu:
        for (std::size_t c = 0; c < n; ++c) out[c] = yr[c] > 0.0F ? g[c] : 0.0F;
        break;
      case ActivationKind::LeakyRelu:
        for (std::size_t c = 0; c < n; ++c) out[c] = yr[c] > 0.0F ? g[c] : alpha * g[c];
        break;
      case ActivationKind::Elu:
        // For x <= 0, y = alpha*(e^x - 1), so y' = y + alpha.
        for (std::size_t c = 0; c < n; ++c) out[c] = yr[c] > 0.0F ? g[c] : g[c] * (yr[c] + alpha);
        break;
      case ActivationKind::Tanh:
        for (std::size_t c = 0; c < n; ++c) out[c] = g[c] * (1.0F - yr[c] * yr[c]);
        break;
      case ActivationKind::Sigmoid:
        for (std::size_t c = 0; c < n; ++c) out[c] = g[c] * yr[c] * (1.0F - yr[c]);
        break;
      case ActivationKind::Softmax: {
        float dot = 0.0F;
        for (std::size_t c = 0; c < n; ++c) dot += g[c] * yr[c];
        for (std::size_t c = 0; c < n; ++c) out[c] = yr[c] * (g[c] - dot);
        break;
      }
      case ActivationKind::Gelu:
        for (std::size_t c = 0; c < n; ++c) {
          const float v = xr[c];
          const float cdf = 0.5F * (1.0F + std::erf(v * kInvSqrt2));
          const float pdf = kInvSqrt2Pi * std::exp(-0.5F * v * v);
          out[c] = g[c] * (cdf + v * pdf);
        }
        break;
      case ActivationKind::Swish:
        for (std::size_t c = 0; c < n; ++c) {
          const float s = sigmoid(xr[c]);
          out[c] = g[c] * (s + xr[c] * s * (1.0F - s));
        }
        break;
    }
  }
}

}  // namespace tunelab
