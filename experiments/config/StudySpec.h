#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "search/SearchSpace.h"

namespace tunelab {

/// The `search` and `execution` sections of an experiment file.
struct StudySpec {
  std::string name = "experiment";
  std::string strategy = "grid";
  nlohmann::json strategyOptions = nlohmann::json::object();  // search.<strategy>: {...}
  std::optional<std::size_t> maxTrials;
  std::string metric = "val_loss";
  bool maximize = false;
  SearchSpace space;
  std::string pruner;  // search.early_terminate.type ("median", a plugin's); empty: none
  nlohmann::json prunerOptions = nlohmann::json::object();  // its other keys
  std::vector<std::string> backends{"reference"};
  int parallelTrials = 0;   // 0 = auto
  int threadsPerTrial = 0;  // 0 = auto
  std::uint64_t seed = 42;
  double checkpointEverySeconds = 30;  // execution.checkpoint_every: a running trial's progress
  int trainEpochs = 1;           // train.epochs: a trial with a smaller budget keeps its checkpoint
  std::filesystem::path output;  // execution.output; default runs/<name>
  std::filesystem::path storage;  // execution.storage; default <output>/study.db
};

/// Throws ConfigError with the key path for anything missing or invalid. `parameterOrder`
/// lists search.parameters in the file's order.
StudySpec parseStudySpec(const nlohmann::json& root,
                         const std::vector<std::string>& parameterOrder);

/// Whether a larger value of `metric` is better, for a metric named without a goal.
bool metricIsMaximized(const std::string& metric);

}  // namespace tunelab
