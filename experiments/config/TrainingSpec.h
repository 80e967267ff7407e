#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/Graph.h"
#include "core/Trainer.h"
#include "core/data/DataSpec.h"

namespace tunelab {

/// Everything needed to train one model: the `data`, `model` and `train` sections of an
/// experiment file with every $parameter bound, checked.
struct TrainingSpec {
  DataSpec data;
  std::vector<LayerSpec> layers;          // repeat: blocks expanded
  std::vector<std::string> layerOrigins;  // key path of each layer in the file
  nlohmann::json loss;
  std::vector<std::string> metrics;
  FitOptions fit;           // optimizer, schedule, metrics and early stopping included
  int validationFolds = 0;  // train.validation: {kfold: k}: a trial scores by k-fold CV
};

/// Reads the data, model and train sections of an experiment (JSON form of the YAML file,
/// parameters already bound). Throws ConfigError with the key path in the file for anything
/// missing, misspelled or invalid.
TrainingSpec parseTrainingSpec(const nlohmann::json& root);

/// Maps a key path the Graph reports ("layers[3].units", counted after repeat: expansion) to
/// where that layer stands in the file ("model.layers[0].layers[1].units").
std::string layerKeyInFile(const TrainingSpec& spec, const std::string& graphKeyPath);

}  // namespace tunelab
