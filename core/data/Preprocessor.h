#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/Export.h"
#include "core/Matrix.h"
#include "core/Shape.h"
#include "core/data/DataSpec.h"
#include "core/data/Dataset.h"
#include "core/data/Table.h"
#include "core/data/Task.h"

namespace tunelab {

/// Turns table rows into model inputs and targets with transforms fitted on training rows
/// only: imputation, min-max or standard scaling, one-hot categories, class ids, target
/// scaling. Serialisable, so a saved model predicts new files exactly as it was trained.
class TUNELAB_API Preprocessor {
 public:
  Preprocessor();
  ~Preprocessor();
  Preprocessor(const Preprocessor&);
  Preprocessor& operator=(const Preprocessor&);
  Preprocessor(Preprocessor&&) noexcept;
  Preprocessor& operator=(Preprocessor&&) noexcept;

  /// Fits every transform on `trainRows` of `table`. `inputs` are the feature columns.
  static Preprocessor fit(const Table& table, const DataSpec& spec,
                          const std::vector<std::size_t>& inputs, std::size_t target, TaskKind task,
                          std::vector<std::string> classNames,
                          const std::vector<std::uint32_t>& trainRows);
  /// For images: pixels scaled by 1/255, nothing fitted.
  static Preprocessor forImages(const Shape& sampleShape, std::vector<std::string> classNames);

  /// Model inputs for `rows` of `table` (columns found by name; throws DataError naming a
  /// missing column).
  Matrix transformFeatures(const Table& table, const std::vector<std::uint32_t>& rows) const;
  Matrix transformFeatures(const Table& table) const;
  /// Targets for `rows` in the layout of core/data/Dataset.h.
  Matrix encodeTargets(const Table& table, const std::vector<std::uint32_t>& rows) const;
  /// Undoes target scaling on regression outputs (in place).
  void inverseTargets(MatrixView values) const;
  /// The regression target's scaling (identity for classification).
  TargetScaling targetScaling() const { return {targetOffset_, targetScale_}; }

  /// The class id of a label as it appears in the file, or -1.
  int classId(const std::string& label) const;

  const std::vector<std::string>& featureNames() const { return featureNames_; }
  const std::vector<std::string>& classNames() const { return classNames_; }
  TaskKind task() const { return task_; }
  const std::string& targetName() const { return targetName_; }
  const Shape& sampleShape() const { return sampleShape_; }

  nlohmann::json toJson() const;
  static Preprocessor fromJson(const nlohmann::json& json);

 private:
  struct Input {
    std::string column;
    bool categorical = false;
    double fill = 0.0;         // numeric imputation value
    std::string fillCategory;  // categorical imputation value
    double offset = 0.0;       // x' = (x - offset) * scale
    double scale = 1.0;
    std::vector<std::string> categories;  // one-hot order
  };

  std::vector<Input> inputs_;
  std::vector<std::string> featureNames_;
  std::vector<std::string> classNames_;
  std::string targetName_;
  TaskKind task_ = TaskKind::Regression;
  double targetOffset_ = 0.0;
  double targetScale_ = 1.0;
  bool images_ = false;
  Shape sampleShape_;
};

/// The text of a label as class names keep it: numbers in shortest form ("1", "2.5").
TUNELAB_API std::string labelText(const Column& column, std::size_t row);

}  // namespace tunelab
