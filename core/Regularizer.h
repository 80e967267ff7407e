#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "core/Export.h"
#include "core/Matrix.h"

namespace tunelab {

/// Keras' OrthogonalRegularizer: factor times the mean |cosine| between every pair of rows
/// (mode rows) or columns (mode columns) of a 2-D weight.
struct OrthogonalPenalty {
  double factor = 0.01;
  bool columns = false;
  bool operator==(const OrthogonalPenalty&) const = default;
};

/// A Keras weight regularizer: l1 * sum|w| + l2 * sum w^2 (L1, L2, L1L2), or an orthogonal
/// penalty (OrthogonalRegularizer).
struct TUNELAB_API Regularizer {
  double l1 = 0.0;
  double l2 = 0.0;
  std::optional<OrthogonalPenalty> orthogonal;

  bool active() const { return l1 != 0.0 || l2 != 0.0 || orthogonal.has_value(); }
  /// The orthogonal penalty is defined for 2-D weights only (a kernel, not a bias).
  bool needsMatrix() const { return orthogonal.has_value(); }
  /// `weights` is the weight as Keras shapes it: (inputs, units) for a dense kernel.
  double penalty(ConstMatrixView weights) const;
  /// grads += d(penalty)/d(weights); both of the same shape, contiguous.
  void addGradient(ConstMatrixView weights, MatrixView grads) const;
  bool operator==(const Regularizer&) const = default;

 private:
  double orthogonalPenalty(ConstMatrixView weights) const;
  void addOrthogonalGradient(ConstMatrixView weights, MatrixView grads) const;
};

/// null; "l1", "l2", "l1_l2" (factor 0.01 each), "orthogonal_regularizer" (factor 0.01, rows);
/// {type: l1, l1: x}, {type: l2, l2: x} (default 0.01), {type: l1_l2, l1: x, l2: y} or just
/// {l1: x, l2: y} (default 0, as Keras' L1L2 class), {type: orthogonal_regularizer, factor: f,
/// mode: rows|columns}. Keras' class names (L1, L2, L1L2, OrthogonalRegularizer) are aliases.
/// Throws ConfigError naming the key.
TUNELAB_API Regularizer parseRegularizer(const nlohmann::json& spec);

}  // namespace tunelab
