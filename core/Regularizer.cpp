#include "core/Regularizer.h"

#include <cmath>

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

double Regularizer::penalty(std::span<const float> weights) const {
  double abs = 0.0;
  double squares = 0.0;
  for (float w : weights) {
    abs += std::fabs(w);
    squares += static_cast<double>(w) * w;
  }
  return l1 * abs + l2 * squares;
}

void Regularizer::addGradient(std::span<const float> weights, std::span<float> grads) const {
  const auto a = static_cast<float>(l1);
  const auto b = static_cast<float>(2.0 * l2);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const float w = weights[i];
    const float sign = w > 0.0F ? 1.0F : (w < 0.0F ? -1.0F : 0.0F);
    grads[i] += a * sign + b * w;
  }
}

Regularizer parseRegularizer(const nlohmann::json& spec) {
  constexpr double kKerasDefault = 0.01;
  if (spec.is_null()) return {};
  if (spec.is_string()) {
    const auto name = spec.get<std::string>();
    if (name == "l1") return {kKerasDefault, 0.0};
    if (name == "l2") return {0.0, kKerasDefault};
    if (name == "l1_l2") return {kKerasDefault, kKerasDefault};
    throw ConfigError("",
                      "unknown regularizer '" + name + "'; use l1, l2, l1_l2 or {l1: x, l2: y}");
  }
  Options o(spec, "a regularizer");
  Regularizer r;
  r.l1 = o.number("l1", 0.0, {.min = 0});
  r.l2 = o.number("l2", 0.0, {.min = 0});
  o.finish();
  return r;
}

}  // namespace tunelab
