#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/Export.h"
#include "core/data/Task.h"

namespace tunelab {

/// The `data:` section of an experiment: where the data comes from and how to prepare it.
struct DataSpec {
  std::string source;                  // file path, directory, or known name (magic04, ...)
  std::string target;                  // target column; empty = the last column
  std::optional<TaskKind> task;        // inferred from the target when empty
  std::string numeric = "minmax";      // minmax | standard | none
  std::string categorical = "onehot";  // onehot
  std::string missing = "median";      // mean | median | most_frequent | drop
  std::string targetScaling = "none";  // none | standard | minmax (regression only)
  double testFraction = 0.2;           // of all rows
  double validationFraction = 0.2;     // of all rows (0.2 / 0.2 gives 60/20/20)
  bool stratify = true;                // classification only
  char delimiter = ',';
  std::vector<std::string> missingMarkers = {"", "?", "NA", "NaN", "nan"};
  std::map<std::string, std::string> columnTypes;  // column -> numeric | categorical
  std::vector<std::string> dropColumns;
};

/// Parses the `data:` section (source, target, task, preprocess {numeric, categorical,
/// missing, target_scaling}, split {test, validation, stratify}, delimiter, missing_values,
/// columns {name: numeric|categorical}, drop). A bare string is a source. Throws ConfigError
/// with key paths relative to the section.
TUNELAB_API DataSpec parseDataSpec(const nlohmann::json& data);

}  // namespace tunelab
