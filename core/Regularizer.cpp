// Keras' weight regularizers: reading them, and the L1/L2 penalty.
#include "core/Regularizer.h"

#include <array>
#include <cmath>
#include <string_view>

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

namespace {

constexpr double kShortcutFactor = 0.01;  // Keras' factor for "l1", "l2", "l1_l2"

// Keras' class names, as keras.regularizers.get also takes them.
constexpr std::array kRegularizerAliases = {
    NameAlias{"L1", "l1"}, NameAlias{"L2", "l2"}, NameAlias{"L1L2", "l1_l2"},
    NameAlias{"OrthogonalRegularizer", "orthogonal_regularizer"}};

const KerasNames& kerasRegularizers() {
  static const KerasNames kKnown{"regularizer",
                                 {"l1", "l2", "l1_l2", "orthogonal_regularizer"},
                                 kRegularizerAliases,
                                 ", or {l1: x, l2: y}"};
  return kKnown;
}

Regularizer readArguments(const std::string& name, Options& o, bool shortcut) {
  constexpr Range kFactor{.min = 0};
  Regularizer r;
  if (name == "l1") r.l1 = o.number("l1", kShortcutFactor, kFactor);
  if (name == "l2") r.l2 = o.number("l2", kShortcutFactor, kFactor);
  if (name == "l1_l2") {
    // Keras' L1L2 class defaults to 0; its "l1_l2" string to 0.01 for both.
    const double fallback = shortcut ? kShortcutFactor : 0.0;
    r.l1 = o.number("l1", fallback, kFactor);
    r.l2 = o.number("l2", fallback, kFactor);
  }
  if (name == "orthogonal_regularizer") {
    OrthogonalPenalty p;
    p.factor = o.number("factor", p.factor, kFactor);
    p.columns = o.choice("mode", {"rows", "columns"}, "rows") == "columns";
    r.orthogonal = p;
  }
  return r;
}

}  // namespace

double Regularizer::penalty(ConstMatrixView weights) const {
  double sum = orthogonal ? orthogonalPenalty(weights) : 0.0;
  if (l1 == 0.0 && l2 == 0.0) return sum;
  double abs = 0.0;
  double squares = 0.0;
  for (std::size_t r = 0; r < weights.rows; ++r) {
    for (float w : weights.row(r)) {
      abs += std::fabs(w);
      squares += static_cast<double>(w) * w;
    }
  }
  return sum + l1 * abs + l2 * squares;
}

void Regularizer::addGradient(ConstMatrixView weights, MatrixView grads) const {
  if (orthogonal) addOrthogonalGradient(weights, grads);
  if (l1 == 0.0 && l2 == 0.0) return;
  const auto a = static_cast<float>(l1);
  const auto b = static_cast<float>(2.0 * l2);
  for (std::size_t r = 0; r < weights.rows; ++r) {
    const std::span<const float> w = weights.row(r);
    const std::span<float> g = grads.row(r);
    for (std::size_t i = 0; i < w.size(); ++i) {
      const float sign = w[i] > 0.0F ? 1.0F : (w[i] < 0.0F ? -1.0F : 0.0F);
      g[i] += a * sign + b * w[i];
    }
  }
}

Regularizer parseRegularizer(const nlohmann::json& spec) {
  static const nlohmann::json kNoOptions = nlohmann::json::object();
  if (spec.is_null()) return {};
  const bool shortcut = spec.is_string();
  Options o(shortcut ? kNoOptions : spec, "a regularizer");
  // {l1: x, l2: y} without a type: Keras' L1L2 class.
  std::string name = "l1_l2";
  if (shortcut) name = canonicalName(spec.get<std::string>(), kerasRegularizers(), "");
  if (!shortcut && o.has("type"))
    name = canonicalName(o.string("type"), kerasRegularizers(), "type");
  Regularizer r = readArguments(name, o, shortcut);
  o.finish();
  return r;
}

}  // namespace tunelab
