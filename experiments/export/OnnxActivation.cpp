#include "experiments/export/OnnxActivation.h"

#include <cmath>

#include "core/ActivationFormulas.h"
#include "core/Error.h"

namespace tunelab {

namespace {

// x * sigmoid(x), as core/Activation.cpp's swish.
std::string swish(OnnxGraph& graph, const std::string& name, const std::string& x) {
  const std::string sigmoid = graph.node("Sigmoid", name + "/sigmoid", {x});
  return graph.node("Mul", name, {x, sigmoid});
}

// 0.5 * x * (1 + erf(x / sqrt(2))): the exact gelu core/Activation.cpp computes (opset 17 has no
// Gelu operator).
std::string gelu(OnnxGraph& graph, const std::string& name, const std::string& x) {
  const std::string scaled =
      graph.node("Mul", name + "/scaled", {x, graph.scalar(name + "/inv_sqrt2", 0.70710678F)});
  const std::string erf = graph.node("Erf", name + "/erf", {scaled});
  const std::string onePlus =
      graph.node("Add", name + "/one_plus", {erf, graph.scalar(name + "/one", 1.0F)});
  const std::string half =
      graph.node("Mul", name + "/half_x", {x, graph.scalar(name + "/half", 0.5F)});
  return graph.node("Mul", name, {half, onePlus});
}

// Keras' relu with its parameters: x above the threshold (capped at max_value), else
// negative_slope * (x - threshold); plain Relu when none is set.
std::string kerasRelu(OnnxGraph& graph, const std::string& name, const std::string& x,
                      const Activation& a) {
  if (a.alpha == 0.0F && a.threshold == 0.0F && std::isinf(a.maxValue)) {
    return graph.node("Relu", name, {x});
  }
  const std::string threshold = graph.scalar(name + "/threshold", a.threshold);
  std::string above = x;
  if (!std::isinf(a.maxValue)) {
    above = graph.node("Min", name + "/capped", {x, graph.scalar(name + "/max_value", a.maxValue)});
  }
  const std::string shifted = graph.node("Sub", name + "/shifted", {x, threshold});
  const std::string below =
      graph.node("Mul", name + "/below", {shifted, graph.scalar(name + "/slope", a.alpha)});
  const std::string passes = graph.node("Greater", name + "/passes", {x, threshold});
  return graph.node("Where", name, {passes, above, below});
}

// x * tanh(softplus(x)) (opset 17 has no Mish operator).
std::string mish(OnnxGraph& graph, const std::string& name, const std::string& x) {
  const std::string softplus = graph.node("Softplus", name + "/softplus", {x});
  const std::string tanh = graph.node("Tanh", name + "/tanh", {softplus});
  return graph.node("Mul", name, {x, tanh});
}

// -softplus(-x).
std::string logSigmoid(OnnxGraph& graph, const std::string& name, const std::string& x) {
  const std::string negated = graph.node("Neg", name + "/neg_x", {x});
  const std::string softplus = graph.node("Softplus", name + "/softplus", {negated});
  return graph.node("Neg", name, {softplus});
}

// The kinds one ONNX operator computes as the core does.
std::string singleOperator(OnnxGraph& graph, const std::string& name, const std::string& x,
                           const Activation& a) {
  switch (a.kind) {
    case ActivationKind::Tanh:
      return graph.node("Tanh", name, {x});
    case ActivationKind::Sigmoid:
      return graph.node("Sigmoid", name, {x});
    case ActivationKind::Softplus:
      return graph.node("Softplus", name, {x});
    case ActivationKind::Softsign:
      return graph.node("Softsign", name, {x});
    case ActivationKind::Exponential:
      return graph.node("Exp", name, {x});
    case ActivationKind::LeakyRelu:
      return graph.node("LeakyRelu", name, {x}, {floatAttribute("alpha", a.alpha)});
    case ActivationKind::Elu:
      return graph.node("Elu", name, {x}, {floatAttribute("alpha", a.alpha)});
    case ActivationKind::Celu:
      return graph.node("Celu", name, {x}, {floatAttribute("alpha", a.alpha)});
    case ActivationKind::Selu:
      return graph.node("Selu", name, {x},
                        {floatAttribute("alpha", formulas::kSeluAlpha),
                         floatAttribute("gamma", formulas::kSeluScale)});
    case ActivationKind::HardSigmoid:  // relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1)
      return graph.node("HardSigmoid", name, {x},
                        {floatAttribute("alpha", 1.0F / 6.0F), floatAttribute("beta", 0.5F)});
    case ActivationKind::HardSilu:  // ONNX HardSwish: x * clip(x / 6 + 0.5, 0, 1)
      return graph.node("HardSwish", name, {x});
    case ActivationKind::Relu6:
      return graph.node("Clip", name,
                        {x, graph.scalar(name + "/zero", 0.0F), graph.scalar(name + "/six", 6.0F)});
    case ActivationKind::Softmax:
      return graph.node("Softmax", name, {x}, {intAttribute("axis", 1)});
    case ActivationKind::LogSoftmax:
      return graph.node("LogSoftmax", name, {x}, {intAttribute("axis", 1)});
    default:
      throw Error(name + ": not one ONNX operator");  // addActivation sends only those here
  }
}

}  // namespace

std::string addActivation(OnnxGraph& graph, const Activation& activation, const std::string& layer,
                          const std::string& input) {
  const std::string name = layer + "/" + std::string(activationName(activation.kind));
  // Every kind is listed, with no default: a kind added to core/Activation.h fails to compile
  // here (-Wswitch) until it is mapped.
  switch (activation.kind) {
    case ActivationKind::Linear:
      return input;
    case ActivationKind::Relu:
      return kerasRelu(graph, name, input, activation);
    case ActivationKind::Gelu:
      return gelu(graph, name, input);
    case ActivationKind::Swish:
      return swish(graph, name, input);
    case ActivationKind::Mish:
      return mish(graph, name, input);
    case ActivationKind::LogSigmoid:
      return logSigmoid(graph, name, input);
    case ActivationKind::LeakyRelu:
    case ActivationKind::Elu:
    case ActivationKind::Tanh:
    case ActivationKind::Sigmoid:
    case ActivationKind::Softmax:
    case ActivationKind::Softplus:
    case ActivationKind::Softsign:
    case ActivationKind::HardSigmoid:
    case ActivationKind::Selu:
    case ActivationKind::Exponential:
    case ActivationKind::Relu6:
    case ActivationKind::HardSilu:
    case ActivationKind::Celu:
    case ActivationKind::LogSoftmax:
      return singleOperator(graph, name, input, activation);
  }
  throw Error(layer + ": ONNX export does not know the activation '" +
              std::string(activationName(activation.kind)) + "'");
}

}  // namespace tunelab
