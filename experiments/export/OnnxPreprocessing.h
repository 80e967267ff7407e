#pragma once

#include <string>
#include <vector>

#include "core/data/Preprocessor.h"
#include "experiments/export/OnnxGraph.h"

namespace tunelab {

/// Declares the model's inputs and appends the preprocessing `tunelab predict` applies to a
/// CSV row; returns the name of the [batch, features] float tensor the first layer takes.
/// Inputs: "features", float32 [batch, numeric columns] in the file's units, NaN where a
/// value is missing (imputed as in training); and per categorical column a string
/// [batch, 1] input named after it (one-hot; a `missingMarkers` string counts as missing,
/// an unknown category gives zeros). Throws Error for a model trained on images.
std::string addPreprocessing(OnnxGraph& graph, const Preprocessor& preprocessor,
                             const std::vector<std::string>& missingMarkers);

/// The numeric columns, in the order of the "features" input's columns.
std::vector<std::string> numericColumns(const Preprocessor& preprocessor);

}  // namespace tunelab
