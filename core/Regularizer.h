#pragma once

#include <nlohmann/json.hpp>
#include <span>

#include "core/Export.h"

namespace tunelab {

/// Keras L1/L2 weight penalty: l1 * sum|w| + l2 * sum w^2.
struct TUNELAB_API Regularizer {
  double l1 = 0.0;
  double l2 = 0.0;

  bool active() const { return l1 != 0.0 || l2 != 0.0; }
  double penalty(std::span<const float> weights) const;
  /// grads += d(penalty)/d(weights).
  void addGradient(std::span<const float> weights, std::span<float> grads) const;
};

/// null, "l1" / "l2" / "l1_l2" (Keras default factor 0.01), or {l1: x, l2: y}.
TUNELAB_API Regularizer parseRegularizer(const nlohmann::json& spec);

}  // namespace tunelab
