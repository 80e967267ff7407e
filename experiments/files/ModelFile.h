#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/data/Preprocessor.h"

namespace tunelab {

/// A trained model, everything `tunelab predict` needs: the experiment it was trained from
/// (data, model and train sections, every $parameter bound), the preprocessing fitted on its
/// training rows, and its weights.
struct SavedModel {
  nlohmann::json experiment;
  Preprocessor preprocessor;
  std::vector<float> params;
  std::vector<float> state;
  nlohmann::json info = nlohmann::json::object();  // study, trial, metric, value, backend
};

/// The sections of a bound experiment a saved model keeps: name, data, model and train.
nlohmann::json savedExperiment(const nlohmann::json& boundExperiment);

/// Writes the model (CBOR) all at once. Throws Error naming the file.
void saveModel(const std::filesystem::path& file, const SavedModel& model);

/// Throws DataError naming the file when it is missing or not a tunelab model.
SavedModel loadModel(const std::filesystem::path& file);

/// The same from the file's bytes in memory; `source` names it in messages.
SavedModel parseModel(const std::vector<std::uint8_t>& bytes, const std::string& source);

}  // namespace tunelab
