#include "core/Initializer.h"

#include <cmath>

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

namespace {

const std::vector<std::string>& names() {
  static const std::vector<std::string> kNames = {"glorot_uniform", "glorot_normal", "he_uniform",
                                                  "he_normal",      "lecun_uniform", "lecun_normal",
                                                  "zeros",          "ones",          "constant",
                                                  "random_normal",  "random_uniform"};
  return kNames;
}

// Keras VarianceScaling: the variance `scale / fan` where fan depends on the mode.
double varianceFor(const std::string& name, std::size_t fanIn, std::size_t fanOut) {
  const auto in = static_cast<double>(fanIn);
  const auto out = static_cast<double>(fanOut);
  if (name.starts_with("glorot")) return 2.0 / (in + out);
  if (name.starts_with("he")) return 2.0 / in;
  return 1.0 / in;  // lecun
}

// A standard normal truncated to [-2, 2], by rejection (as TensorFlow's truncated_normal).
double truncatedNormal(Rng& rng) {
  for (;;) {
    const double v = rng.normal();
    if (std::fabs(v) <= 2.0) return v;
  }
}

}  // namespace

std::vector<std::string> initializerNames() { return names(); }

Initializer parseInitializer(const nlohmann::json& spec) {
  Initializer init;
  std::string type;
  std::optional<Options> o;
  if (spec.is_string()) {
    type = spec.get<std::string>();
  } else {
    o.emplace(spec, "an initializer");
    type = o->string("type");
  }
  init.name = type;
  if (std::find(names().begin(), names().end(), type) == names().end()) {
    std::string message = "unknown initializer '" + type + "'";
    if (auto near = nearestName(type, names()); !near.empty()) {
      message += " (did you mean '" + near + "'?)";
    }
    throw ConfigError(spec.is_string() ? "" : "type",
                      message + "; valid initializers: " + joinNames(names()));
  }
  if (type == "constant") {
    if (!o) throw ConfigError("", "constant needs a value: {type: constant, value: 0.1}");
    init.a = o->number("value");
  } else if (type == "random_normal") {
    init.a = o ? o->number("mean", 0.0) : 0.0;
    init.b = o ? o->number("stddev", 0.05, {.min = 0}) : 0.05;
  } else if (type == "random_uniform") {
    init.a = o ? o->number("minval", -0.05) : -0.05;
    init.b = o ? o->number("maxval", 0.05) : 0.05;
    if (init.b < init.a) throw ConfigError("maxval", "must not be below minval");
  }
  if (o) o->finish();
  return init;
}

void initialize(const Initializer& init, std::span<float> values, std::size_t fanIn,
                std::size_t fanOut, Rng& rng) {
  const std::string& name = init.name;
  if (name == "zeros" || name == "ones" || name == "constant") {
    const float v = name == "zeros" ? 0.0F : (name == "ones" ? 1.0F : static_cast<float>(init.a));
    std::fill(values.begin(), values.end(), v);
    return;
  }
  if (name == "random_normal") {
    for (auto& v : values) v = static_cast<float>(init.a + init.b * rng.normal());
    return;
  }
  if (name == "random_uniform") {
    for (auto& v : values) v = static_cast<float>(init.a + (init.b - init.a) * rng.uniformDouble());
    return;
  }
  const double variance = varianceFor(name, fanIn, fanOut);
  if (name.ends_with("_uniform")) {
    const double limit = std::sqrt(3.0 * variance);
    for (auto& v : values) v = static_cast<float>(limit * (2.0 * rng.uniformDouble() - 1.0));
    return;
  }
  // Keras divides by the standard deviation of a unit normal truncated at 2 so that the
  // samples have exactly `variance`.
  constexpr double kTruncatedStd = 0.87962566103423978;
  const double stddev = std::sqrt(variance) / kTruncatedStd;
  for (auto& v : values) v = static_cast<float>(stddev * truncatedNormal(rng));
}

}  // namespace tunelab
