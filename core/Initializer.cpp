// Reading an initializer: Keras' names, aliases, arguments and defaults.
#include "core/Initializer.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

namespace {

// Keras' other spellings (keras.initializers.get): its short aliases and its class names.
constexpr std::array kInitializerAliases = {
    NameAlias{"zero", "zeros"},
    NameAlias{"Zeros", "zeros"},
    NameAlias{"one", "ones"},
    NameAlias{"Ones", "ones"},
    NameAlias{"Constant", "constant"},
    NameAlias{"normal", "random_normal"},
    NameAlias{"RandomNormal", "random_normal"},
    NameAlias{"uniform", "random_uniform"},
    NameAlias{"RandomUniform", "random_uniform"},
    NameAlias{"TruncatedNormal", "truncated_normal"},
    NameAlias{"VarianceScaling", "variance_scaling"},
    NameAlias{"GlorotUniform", "glorot_uniform"},
    NameAlias{"GlorotNormal", "glorot_normal"},
    NameAlias{"HeUniform", "he_uniform"},
    NameAlias{"HeNormal", "he_normal"},
    NameAlias{"LecunUniform", "lecun_uniform"},
    NameAlias{"LecunNormal", "lecun_normal"},
    NameAlias{"Orthogonal", "orthogonal"},
    NameAlias{"OrthogonalInitializer", "orthogonal"},
    NameAlias{"orthogonal_initializer", "orthogonal"},
    NameAlias{"Identity", "identity"},
    NameAlias{"IdentityInitializer", "identity"},
    NameAlias{"identity_initializer", "identity"},
};

struct Preset {
  std::string_view name;
  double scale;
  FanMode mode;
  ScalingDistribution distribution;
};

// The named variance_scaling initializers, as Keras defines them.
constexpr std::array kPresets = {
    Preset{"glorot_uniform", 1.0, FanMode::FanAvg, ScalingDistribution::Uniform},
    Preset{"glorot_normal", 1.0, FanMode::FanAvg, ScalingDistribution::TruncatedNormal},
    Preset{"he_uniform", 2.0, FanMode::FanIn, ScalingDistribution::Uniform},
    Preset{"he_normal", 2.0, FanMode::FanIn, ScalingDistribution::TruncatedNormal},
    Preset{"lecun_uniform", 1.0, FanMode::FanIn, ScalingDistribution::Uniform},
    Preset{"lecun_normal", 1.0, FanMode::FanIn, ScalingDistribution::TruncatedNormal},
};

const KerasNames& kerasInitializers() {
  static const KerasNames kKnown{
      "initializer",
      {"zeros", "ones", "constant", "random_normal", "random_uniform", "truncated_normal",
       "variance_scaling", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
       "lecun_uniform", "lecun_normal", "orthogonal", "identity"},
      kInitializerAliases,
      ""};
  return kKnown;
}

void readVarianceScaling(Initializer& init, Options& o) {
  init.scale = o.number("scale", 1.0, {.min = 0, .minExclusive = true});
  const std::string mode = o.choice("mode", {"fan_in", "fan_out", "fan_avg"}, "fan_in");
  init.mode =
      mode == "fan_in" ? FanMode::FanIn : (mode == "fan_out" ? FanMode::FanOut : FanMode::FanAvg);
  // Keras reads "normal" as "truncated_normal".
  const std::string distribution =
      o.choice("distribution", {"truncated_normal", "untruncated_normal", "uniform", "normal"},
               "truncated_normal");
  if (distribution == "uniform") {
    init.distribution = ScalingDistribution::Uniform;
  } else if (distribution == "untruncated_normal") {
    init.distribution = ScalingDistribution::UntruncatedNormal;
  } else {
    init.distribution = ScalingDistribution::TruncatedNormal;
  }
}

// Sets kind and arguments from the canonical name and the options (defaults as Keras').
void readArguments(Initializer& init, Options& o) {
  const std::string& n = init.name;
  if (n == "zeros" || n == "ones" || n == "constant") {
    init.kind = InitializerKind::Constant;
    init.value = n == "ones" ? 1.0 : (n == "constant" ? o.number("value", 0.0) : 0.0);
  } else if (n == "random_normal" || n == "truncated_normal") {
    init.kind =
        n == "random_normal" ? InitializerKind::RandomNormal : InitializerKind::TruncatedNormal;
    init.mean = o.number("mean", 0.0);
    init.stddev = o.number("stddev", 0.05, {.min = 0});
  } else if (n == "random_uniform") {
    init.kind = InitializerKind::RandomUniform;
    init.minval = o.number("minval", -0.05);
    init.maxval = o.number("maxval", 0.05);
    if (init.maxval < init.minval) throw ConfigError("maxval", "must not be below minval");
  } else if (n == "variance_scaling") {
    init.kind = InitializerKind::VarianceScaling;
    readVarianceScaling(init, o);
  } else if (n == "orthogonal" || n == "identity") {
    init.kind = n == "orthogonal" ? InitializerKind::Orthogonal : InitializerKind::Identity;
    init.gain = o.number("gain", 1.0);
  } else {
    const auto* preset = std::find_if(kPresets.begin(), kPresets.end(),
                                      [&](const Preset& p) { return p.name == n; });
    init.kind = InitializerKind::VarianceScaling;
    init.scale = preset->scale;
    init.mode = preset->mode;
    init.distribution = preset->distribution;
  }
}

bool isRandom(InitializerKind kind) {
  return kind != InitializerKind::Constant && kind != InitializerKind::Identity;
}

}  // namespace

std::vector<std::string> initializerNames() { return kerasInitializers().names; }

Initializer parseInitializer(const nlohmann::json& spec) {
  static const nlohmann::json kNoOptions = nlohmann::json::object();
  const bool fromObject = !spec.is_string();
  Options o(fromObject ? spec : kNoOptions, "an initializer");
  Initializer init;
  init.name = canonicalName(fromObject ? o.string("type") : spec.get<std::string>(),
                            kerasInitializers(), fromObject ? "type" : "");
  readArguments(init, o);
  if (isRandom(init.kind) && !o.raw("seed").is_null()) {
    init.seed = static_cast<std::uint64_t>(o.integer("seed", {.min = 0}));
  }
  o.finish();
  return init;
}

}  // namespace tunelab
