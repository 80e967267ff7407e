// Applying activations and their gradients to matrices; the scalar formulas are in
// ActivationFormulas.h, names and parsing in ActivationParse.cpp.
#include "core/Activation.h"

#include <algorithm>
#include <cmath>

#include "core/ActivationFormulas.h"

namespace tunelab {

namespace {

using namespace formulas;  // NOLINT(google-build-using-namespace): the formulas read as maths

// Contiguous matrices are one row: a narrow matrix (the single output of a binary model) then
// runs in vector lanes, not one row at a time.
template <typename View>
View flattened(View m) {
  return m.contiguous() ? View{m.data, 1, m.rows * m.cols} : m;
}

template <typename F>
void forEach(ConstMatrixView x, MatrixView y, F f) {
  if (x.contiguous() && y.contiguous()) {
    x = flattened(x);
    y = flattened(y);
  }
  for (std::size_t r = 0; r < x.rows; ++r) {
    const float* in = x.data + r * x.stride;
    float* out = y.data + r * y.stride;
    for (std::size_t c = 0; c < x.cols; ++c) out[c] = f(in[c]);
  }
}

// dx = grad(v, dy) where v is the output y (or the input x) of the activation.
template <typename F>
void forEachGradient(ConstMatrixView v, ConstMatrixView dy, MatrixView dx, F grad) {
  if (v.contiguous() && dy.contiguous() && dx.contiguous()) {
    v = flattened(v);
    dy = flattened(dy);
    dx = flattened(dx);
  }
  for (std::size_t r = 0; r < dy.rows; ++r) {
    const float* in = v.data + r * v.stride;
    const float* g = dy.data + r * dy.stride;
    float* out = dx.data + r * dx.stride;
    for (std::size_t c = 0; c < dy.cols; ++c) out[c] = grad(in[c], g[c]);
  }
}

bool isPlainRelu(const Activation& a) {
  return a.alpha == 0.0F && a.threshold == 0.0F && std::isinf(a.maxValue);
}

void softmaxRows(ConstMatrixView x, MatrixView y, bool logarithm) {
  for (std::size_t r = 0; r < x.rows; ++r) {
    const float* in = x.data + r * x.stride;
    float* out = y.data + r * y.stride;
    const float top = *std::max_element(in, in + x.cols);
    float sum = 0.0F;
    for (std::size_t c = 0; c < x.cols; ++c) sum += std::exp(in[c] - top);
    if (logarithm) {
      const float logSum = std::log(sum);
      for (std::size_t c = 0; c < x.cols; ++c) out[c] = in[c] - top - logSum;
    } else {
      const float inv = 1.0F / sum;
      for (std::size_t c = 0; c < x.cols; ++c) out[c] = std::exp(in[c] - top) * inv;
    }
  }
}

// softmax: dx = y (dy - <dy, y>); log_softmax: dx = dy - e^y sum(dy).
void softmaxGradientRows(ConstMatrixView y, ConstMatrixView dy, MatrixView dx, bool logarithm) {
  for (std::size_t r = 0; r < dy.rows; ++r) {
    const float* yr = y.data + r * y.stride;
    const float* g = dy.data + r * dy.stride;
    float* out = dx.data + r * dx.stride;
    const std::size_t n = dy.cols;
    float dot = 0.0F;
    for (std::size_t c = 0; c < n; ++c) dot += logarithm ? g[c] : g[c] * yr[c];
    for (std::size_t c = 0; c < n; ++c) {
      out[c] = logarithm ? g[c] - std::exp(yr[c]) * dot : yr[c] * (g[c] - dot);
    }
  }
}

// The element-wise activations whose formula is one expression of x.
template <typename F>
bool applyElementwise(const Activation& act, F&& run) {
  const float a = act.alpha;
  switch (act.kind) {
    case ActivationKind::LeakyRelu:
      return run([a](float v) { return v > 0.0F ? v : a * v; });
    case ActivationKind::Elu:
      return run([a](float v) { return v > 0.0F ? v : a * std::expm1(v); });
    case ActivationKind::Tanh:
      return run([](float v) { return std::tanh(v); });
    case ActivationKind::Sigmoid:
      return run(sigmoid);
    case ActivationKind::Gelu:
      return run(gelu);
    case ActivationKind::Swish:
      return run([](float v) { return v * sigmoid(v); });
    case ActivationKind::Softplus:
      return run(softplus);
    case ActivationKind::Softsign:
      return run([](float v) { return v / (1.0F + std::fabs(v)); });
    case ActivationKind::HardSigmoid:
      return run(hardSigmoid);
    case ActivationKind::Selu:
      return run(selu);
    case ActivationKind::Exponential:
      return run([](float v) { return std::exp(v); });
    case ActivationKind::Relu6:
      return run(relu6);
    case ActivationKind::Mish:
      return run(mish);
    case ActivationKind::HardSilu:
      return run(hardSilu);
    case ActivationKind::LogSigmoid:
      return run(logSigmoid);
    case ActivationKind::Celu:
      return run([a](float v) { return v > 0.0F ? v : a * std::expm1(v / a); });
    default:
      return false;
  }
}

// dx from dy and the output y of the element-wise activations, or (for those
// activationNeedsInput names) their input x.
template <typename F>
bool gradientElementwise(const Activation& act, F&& run) {
  const float a = act.alpha;
  switch (act.kind) {
    case ActivationKind::LeakyRelu:
      return run([a](float y, float g) { return y > 0.0F ? g : a * g; });
    case ActivationKind::Elu:  // for x <= 0, y = alpha (e^x - 1), so y' = y + alpha
      return run([a](float y, float g) { return y > 0.0F ? g : g * (y + a); });
    case ActivationKind::Tanh:
      return run([](float y, float g) { return g * (1.0F - y * y); });
    case ActivationKind::Sigmoid:
      return run([](float y, float g) { return g * y * (1.0F - y); });
    case ActivationKind::Gelu:
      return run([](float x, float g) { return g * geluSlope(x); });
    case ActivationKind::Swish:
      return run([](float x, float g) { return g * swishSlope(x); });
    case ActivationKind::Softplus:
      return run([](float y, float g) { return g * softplusSlope(y); });
    case ActivationKind::Softsign:
      return run([](float y, float g) { return g * softsignSlope(y); });
    case ActivationKind::HardSigmoid:
      return run([](float y, float g) { return g * hardSigmoidSlope(y); });
    case ActivationKind::Selu:
      return run([](float y, float g) { return g * seluSlope(y); });
    case ActivationKind::Exponential:
      return run([](float y, float g) { return g * y; });
    case ActivationKind::Relu6:
      return run([](float y, float g) { return relu6Passes(y) ? g : 0.0F; });
    case ActivationKind::Mish:
      return run([](float x, float g) { return g * mishSlope(x); });
    case ActivationKind::HardSilu:
      return run([](float x, float g) { return g * hardSiluSlope(x); });
    case ActivationKind::LogSigmoid:
      return run([](float y, float g) { return g * logSigmoidSlope(y); });
    case ActivationKind::Celu:
      return run([a](float y, float g) { return g * celuSlope(y, a); });
    default:
      return false;
  }
}

}  // namespace

bool activationNeedsInput(ActivationKind kind) {
  return kind == ActivationKind::Gelu || kind == ActivationKind::Swish ||
         kind == ActivationKind::Mish || kind == ActivationKind::HardSilu;
}

void applyActivation(Activation act, ConstMatrixView x, MatrixView y) {
  switch (act.kind) {
    case ActivationKind::Linear:
      if (x.data != y.data) forEach(x, y, [](float v) { return v; });
      return;
    case ActivationKind::Relu:
      if (isPlainRelu(act)) {
        forEach(x, y, [](float v) { return v > 0.0F ? v : 0.0F; });
      } else {
        forEach(x, y, [&act](float v) { return kerasRelu(v, act); });
      }
      return;
    case ActivationKind::Softmax:
    case ActivationKind::LogSoftmax:
      softmaxRows(x, y, act.kind == ActivationKind::LogSoftmax);
      return;
    default:
      applyElementwise(act, [&](auto f) {
        forEach(x, y, f);
        return true;
      });
  }
}

// A branch-free pass takes the side of 0; only a batch with an output near 0 (or NaN) goes
// through the branches again.
void sigmoidSidesOfHalf(ConstMatrixView x, MatrixView y) {
  unsigned nearZero = 0;
  forEach(x, y, [&nearZero](float v) {
    nearZero |= std::fabs(v) > kSidesOfHalfClear ? 0U : 1U;
    return v > 0.0F ? 1.0F : 0.0F;
  });
  if (nearZero != 0) forEach(x, y, [](float v) { return sigmoidSideOfHalf(v); });
}

namespace {

float addAndRelu(float v, float b) {
  const float sum = v + b;
  return sum > 0.0F ? sum : 0.0F;
}

void addRowBias(bool relu, const float* b, MatrixView y) {
  for (std::size_t r = 0; r < y.rows; ++r) {
    float* row = y.data + r * y.stride;
    if (relu) {
      for (std::size_t c = 0; c < y.cols; ++c) row[c] = addAndRelu(row[c], b[c]);
    } else {
      for (std::size_t c = 0; c < y.cols; ++c) row[c] += b[c];
    }
  }
}

}  // namespace

void addBiasAndActivate(Activation act, std::span<const float> bias, MatrixView y) {
  if (!bias.empty()) {
    const bool relu = act.kind == ActivationKind::Relu && isPlainRelu(act);
    if (y.cols == 1) {  // one output (a binary model's): forEach runs the column in lanes
      const float b = bias[0];
      if (relu) {
        forEach(y, y, [b](float v) { return addAndRelu(v, b); });
      } else {
        forEach(y, y, [b](float v) { return v + b; });
      }
    } else {
      addRowBias(relu, bias.data(), y);
    }
    if (relu) return;
  }
  applyActivation(act, y, y);
}

void activationGradient(Activation act, ConstMatrixView x, ConstMatrixView y, ConstMatrixView dy,
                        MatrixView dx) {
  switch (act.kind) {
    case ActivationKind::Linear:
      if (dx.data != dy.data) forEach(dy, dx, [](float g) { return g; });
      return;
    case ActivationKind::Relu:
      if (isPlainRelu(act)) {
        forEachGradient(y, dy, dx, [](float v, float g) { return v > 0.0F ? g : 0.0F; });
      } else {
        forEachGradient(y, dy, dx, [&act](float v, float g) { return g * kerasReluSlope(v, act); });
      }
      return;
    case ActivationKind::Softmax:
    case ActivationKind::LogSoftmax:
      softmaxGradientRows(y, dy, dx, act.kind == ActivationKind::LogSoftmax);
      return;
    default:
      gradientElementwise(act, [&](auto grad) {
        forEachGradient(activationNeedsInput(act.kind) ? x : y, dy, dx, grad);
        return true;
      });
  }
}

}  // namespace tunelab
