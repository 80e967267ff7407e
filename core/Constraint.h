#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/Export.h"
#include "core/Shape.h"

namespace tunelab {

enum class ConstraintKind : std::uint8_t { None, MaxNorm, NonNeg, UnitNorm, MinMaxNorm };

/// A Keras weight constraint (keras.constraints), applied to a weight after every optimizer
/// step. The norms are taken over `axes` (Keras' `axis`): for a dense kernel of shape
/// (inputs, units), axis 0 gives one norm per unit, over its incoming weights.
struct TUNELAB_API Constraint {
  ConstraintKind kind = ConstraintKind::None;
  double minValue = 0.0;                // min_max_norm
  double maxValue = 0.0;                // max_norm, min_max_norm
  double rate = 1.0;                    // min_max_norm
  std::vector<std::size_t> axes = {0};  // reduced axes, each in [0, rank)

  bool active() const { return kind != ConstraintKind::None; }
  /// Projects `weights`, of Keras shape `shape` ({inputs, units} or {units}), in place.
  void apply(std::span<float> weights, const Shape& shape) const;
  bool operator==(const Constraint&) const = default;
};

/// null, "max_norm", "non_neg", "unit_norm", "min_max_norm" or {type: max_norm, max_value: 2,
/// axis: 0} (Keras' names, class names and defaults), for a weight of `rank` dimensions (2 for
/// a kernel, 1 for a bias: `axis` must fit it; negative axes count from the end, a list
/// reduces several). Throws ConfigError naming the key.
TUNELAB_API Constraint parseConstraint(const nlohmann::json& spec, std::size_t rank);
TUNELAB_API std::vector<std::string> constraintNames();

}  // namespace tunelab
