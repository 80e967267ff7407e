#pragma once

#include <filesystem>
#include <iosfwd>
#include <vector>

namespace tunelab {

struct PredictArguments {
  std::filesystem::path model;                    // model.tunelab / best_model.tunelab
  std::filesystem::path data;                     // a CSV file with the model's input columns
  std::filesystem::path output;                   // --output; default predictions.csv
  std::vector<std::filesystem::path> pluginDirs;  // --plugin-dir (a plugin layer's model)
};

/// `tunelab predict model data.csv`: applies the model's own preprocessing to the file's rows
/// and writes one prediction per row (the class and its probabilities, or the value). When the
/// file also holds the target column, prints the model's loss and metrics on it.
int runPredict(const PredictArguments& args, std::ostream& out, std::ostream& err);

}  // namespace tunelab
