#include "core/data/Dataset.h"

#include <algorithm>

namespace tunelab {

namespace {
Matrix rowsOf(const Matrix& m, const std::vector<std::uint32_t>& rows) {
  Matrix out(rows.size(), m.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const float* src = m.data() + static_cast<std::size_t>(rows[i]) * m.cols();
    std::copy(src, src + m.cols(), out.data() + i * m.cols());
  }
  return out;
}
}  // namespace

Dataset selectRows(const Dataset& data, const std::vector<std::uint32_t>& rows) {
  Dataset out;
  out.x = rowsOf(data.x, rows);
  out.y = rowsOf(data.y, rows);
  out.sampleShape = data.sampleShape;
  out.featureNames = data.featureNames;
  out.targetName = data.targetName;
  out.task = data.task;
  out.classNames = data.classNames;
  out.targetScaling = data.targetScaling;
  return out;
}

}  // namespace tunelab
