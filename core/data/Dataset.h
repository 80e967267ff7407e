#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/Export.h"
#include "core/Matrix.h"
#include "core/Shape.h"
#include "core/data/Task.h"

namespace tunelab {

/// How a regression target is scaled for training: y' = (y - offset) * scale.
struct TargetScaling {
  double offset = 0.0;
  double scale = 1.0;

  bool identity() const { return offset == 0.0 && scale == 1.0; }
  /// The value in the target's own units.
  float undo(float scaled) const { return static_cast<float>(scaled / scale + offset); }
};

/// Model-ready samples: every input numeric (after preprocessing) and a target matrix in the
/// layout the losses expect. binary: n x 1 of 0/1; multiclass: n x 1 of class indices
/// (0..classes-1, as float); regression: n x targets (scaled when target scaling is on).
struct Dataset {
  Matrix x;
  Matrix y;
  Shape sampleShape;                      // {features} or {28, 28}
  std::vector<std::string> featureNames;  // after one-hot: "ocean_proximity=INLAND"
  std::string targetName;
  TaskKind task = TaskKind::Regression;
  std::vector<std::string> classNames;  // index -> original label (classification)
  TargetScaling targetScaling;          // regression: how y is scaled (losses and metrics undo it)

  std::size_t size() const { return x.rows(); }
  std::size_t classes() const { return classNames.size(); }
};

/// Rows `rows` of `data`, in that order.
TUNELAB_API Dataset selectRows(const Dataset& data, const std::vector<std::uint32_t>& rows);

}  // namespace tunelab
