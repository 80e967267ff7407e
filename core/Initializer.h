#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/Export.h"
#include "core/Rng.h"
#include "core/Shape.h"

namespace tunelab {

enum class InitializerKind : std::uint8_t {
  Constant,         // zeros, ones, constant {value}
  RandomNormal,     // {mean, stddev}
  RandomUniform,    // {minval, maxval}
  TruncatedNormal,  // {mean, stddev}, re-drawn beyond two standard deviations
  VarianceScaling,  // {scale, mode, distribution}; glorot_*, he_*, lecun_* are presets of it
  Orthogonal,       // {gain}; 2-D weights only
  Identity,         // {gain}; 2-D weights only
};

enum class FanMode : std::uint8_t { FanIn, FanOut, FanAvg };
enum class ScalingDistribution : std::uint8_t { TruncatedNormal, UntruncatedNormal, Uniform };

/// A Keras initializer (keras.initializers), with Keras' names, aliases and defaults. `name` is
/// Keras' canonical snake_case name ("random_normal" for "normal" or "RandomNormal").
struct Initializer {
  std::string name = "zeros";
  InitializerKind kind = InitializerKind::Constant;
  double value = 0.0;                                               // constant
  double mean = 0.0;                                                // random/truncated normal
  double stddev = 0.05;                                             // random/truncated normal
  double minval = -0.05;                                            // random_uniform
  double maxval = 0.05;                                             // random_uniform
  double scale = 1.0;                                               // variance_scaling
  FanMode mode = FanMode::FanIn;                                    // variance_scaling
  ScalingDistribution distribution = ScalingDistribution::Uniform;  // variance_scaling
  double gain = 1.0;                                                // orthogonal, identity
  std::optional<std::uint64_t> seed;  // Keras' `seed`: the same draws on every call

  /// Orthogonal and identity are defined for 2-D weights only (a kernel, not a bias).
  bool needsMatrix() const {
    return kind == InitializerKind::Orthogonal || kind == InitializerKind::Identity;
  }
  bool operator==(const Initializer&) const = default;
};

/// "he_normal", "normal" or {type: random_normal, mean: 0, stddev: 0.1}. Throws ConfigError
/// naming the key.
TUNELAB_API Initializer parseInitializer(const nlohmann::json& spec);
/// The canonical names (aliases such as "normal" or "GlorotUniform" are not listed).
TUNELAB_API std::vector<std::string> initializerNames();

/// Fills `values` for a weight of Keras shape `shape`: {inputs, units} for a dense kernel,
/// {units} for a bias (fans as Keras' compute_fans). Draws from `rng` unless the initializer
/// has its own seed. Throws Error for orthogonal or identity on a shape that is not 2-D.
TUNELAB_API void initialize(const Initializer& init, std::span<float> values, const Shape& shape,
                            Rng& rng);

}  // namespace tunelab
