#include "experiments/export/OnnxActivation.h"

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

}  // namespace

std::string addActivation(OnnxGraph& graph, const Activation& activation, const std::string& layer,
                          const std::string& input) {
  const std::string name = layer + "/" + std::string(activationName(activation.kind));
  switch (activation.kind) {
    case ActivationKind::Linear:
      return input;
    case ActivationKind::Relu:
      return graph.node("Relu", name, {input});
    case ActivationKind::LeakyRelu:
      return graph.node("LeakyRelu", name, {input}, {floatAttribute("alpha", activation.alpha)});
    case ActivationKind::Elu:
      return graph.node("Elu", name, {input}, {floatAttribute("alpha", activation.alpha)});
    case ActivationKind::Tanh:
      return graph.node("Tanh", name, {input});
    case ActivationKind::Sigmoid:
      return graph.node("Sigmoid", name, {input});
    case ActivationKind::Softmax:
      return graph.node("Softmax", name, {input}, {intAttribute("axis", 1)});
    case ActivationKind::Gelu:
      return gelu(graph, name, input);
    case ActivationKind::Swish:
      return swish(graph, name, input);
    default:
      break;
  }
  throw Error(layer + ": ONNX export does not know the activation '" +
              std::string(activationName(activation.kind)) +
              "' yet (experiments/export/OnnxActivation.cpp maps each kind)");
}

}  // namespace tunelab
