// Activation names and parameters as a model file writes them: "relu" or
// {type: leaky_relu, negative_slope: 0.1}.
#include <cmath>
#include <sstream>

#include "core/Activation.h"
#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

namespace {

struct NamedActivation {
  std::string_view name;
  ActivationKind kind;
};

// The first name of a kind is its canonical one; later ones are Keras aliases.
constexpr NamedActivation kActivations[] = {
    {"linear", ActivationKind::Linear},
    {"relu", ActivationKind::Relu},
    {"leaky_relu", ActivationKind::LeakyRelu},
    {"elu", ActivationKind::Elu},
    {"tanh", ActivationKind::Tanh},
    {"sigmoid", ActivationKind::Sigmoid},
    {"softmax", ActivationKind::Softmax},
    {"gelu", ActivationKind::Gelu},
    {"swish", ActivationKind::Swish},
    {"silu", ActivationKind::Swish},
    {"softplus", ActivationKind::Softplus},
    {"softsign", ActivationKind::Softsign},
    {"hard_sigmoid", ActivationKind::HardSigmoid},
    {"selu", ActivationKind::Selu},
    {"exponential", ActivationKind::Exponential},
    {"relu6", ActivationKind::Relu6},
    {"mish", ActivationKind::Mish},
    {"hard_silu", ActivationKind::HardSilu},
    {"hard_swish", ActivationKind::HardSilu},
    {"log_sigmoid", ActivationKind::LogSigmoid},
    {"celu", ActivationKind::Celu},
    {"log_softmax", ActivationKind::LogSoftmax},
};

constexpr float kLeakyReluSlope = 0.3F;  // Keras' LeakyReLU layer (and Keras 2's function)

ActivationKind kindNamed(const std::string& name, const std::string& keyPath) {
  for (const auto& a : kActivations) {
    if (a.name == name) return a.kind;
  }
  std::string message = "unknown activation '" + name + "'";
  if (auto near = nearestName(name, activationNames()); !near.empty()) {
    message += " (did you mean '" + near + "'?)";
  }
  throw ConfigError(keyPath, message + "; valid activations: " + joinNames(activationNames()));
}

// Keras 3 calls the slope negative_slope, Keras 2 alpha: either may be written, not both.
float negativeSlope(Options& o, float fallback) {
  const bool keras2 = o.has("alpha");
  if (keras2 && o.has("negative_slope")) {
    throw ConfigError("alpha", "give the slope once: negative_slope (Keras 3) or alpha (Keras 2)");
  }
  const float slope =
      static_cast<float>(o.number(keras2 ? "alpha" : "negative_slope", fallback, {.min = 0}));
  o.raw(keras2 ? "negative_slope" : "alpha");  // so an error lists both as valid keys
  return slope;
}

// The parameters of the kinds that have some, read from the mapping form.
void readParameters(Activation& act, Options& o) {
  switch (act.kind) {
    case ActivationKind::LeakyRelu:
      act.alpha = negativeSlope(o, kLeakyReluSlope);
      return;
    case ActivationKind::Relu:
      act.alpha = negativeSlope(o, 0.0F);
      if (o.has("max_value")) {
        act.maxValue = static_cast<float>(o.number("max_value", {.min = 0, .minExclusive = true}));
      }
      o.raw("max_value");
      act.threshold = static_cast<float>(o.number("threshold", 0.0, {.min = 0}));
      return;
    case ActivationKind::Elu:
      act.alpha = static_cast<float>(o.number("alpha", 1.0));
      return;
    case ActivationKind::Celu:  // alpha divides x
      act.alpha = static_cast<float>(o.number("alpha", 1.0, {.min = 0, .minExclusive = true}));
      return;
    default:
      return;
  }
}

}  // namespace

Activation parseActivation(const nlohmann::json& spec) {
  if (spec.is_string()) {
    Activation act{kindNamed(spec.get<std::string>(), "")};
    const nlohmann::json none;
    Options defaults(none, "");
    readParameters(act, defaults);
    return act;
  }
  if (!spec.is_object()) {
    throw ConfigError("",
                      "must be an activation name (relu) or a mapping with its type and "
                      "parameters ({type: leaky_relu, negative_slope: 0.1})");
  }
  const std::string name = Options(spec, "an activation").string("type");
  Activation act{kindNamed(name, "type")};
  Options o(spec, "the " + name + " activation");
  o.raw("type");
  readParameters(act, o);
  o.finish();
  return act;
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

std::string describeActivation(const Activation& act) {
  const Activation defaults = parseActivation(nlohmann::json(activationName(act.kind)));
  const bool slopeNamed = act.kind == ActivationKind::Relu || act.kind == ActivationKind::LeakyRelu;
  std::ostringstream text;
  text << activationName(act.kind);
  const char* separator = "(";
  auto add = [&](const char* key, float value, float fallback) {
    if (value == fallback) return;
    text << separator << key << "=" << value;
    separator = ", ";
  };
  add(slopeNamed ? "negative_slope" : "alpha", act.alpha, defaults.alpha);
  add("max_value", act.maxValue, defaults.maxValue);
  add("threshold", act.threshold, defaults.threshold);
  if (*separator == ',') text << ")";
  return text.str();
}

}  // namespace tunelab
