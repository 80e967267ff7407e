#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/Export.h"
#include "core/Rng.h"

namespace tunelab {

/// A Keras initializer: glorot_uniform/normal, he_uniform/normal, lecun_uniform/normal
/// (the *_normal ones are truncated normals at 2 standard deviations, variance-corrected,
/// as Keras' VarianceScaling), zeros, ones, constant {value}, random_normal {mean, stddev
/// 0.05}, random_uniform {minval -0.05, maxval 0.05}.
struct Initializer {
  std::string name = "zeros";
  double a = 0.0;  // mean / minval / value
  double b = 0.0;  // stddev / maxval
};

/// "he_normal" or {type: random_normal, mean: 0, stddev: 0.1}. Throws ConfigError.
TUNELAB_API Initializer parseInitializer(const nlohmann::json& spec);
TUNELAB_API std::vector<std::string> initializerNames();

/// Fills `values` for a kernel with the given fans (dense: fanIn = inputs, fanOut = units).
TUNELAB_API void initialize(const Initializer& init, std::span<float> values, std::size_t fanIn,
                            std::size_t fanOut, Rng& rng);

}  // namespace tunelab
