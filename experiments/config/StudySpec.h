#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "experiments/config/ExecutionSpec.h"
#include "experiments/config/MetricGoal.h"
#include "search/SearchSpace.h"

namespace tunelab {

/// The `search` and `execution` sections of an experiment file.
struct StudySpec {
  std::string name = "experiment";
  std::string strategy = "grid";  // search.strategy, `auto` already resolved to a name
  std::string strategyReason;     // why `auto` picked it; empty when the file names it
  nlohmann::json strategyOptions = nlohmann::json::object();  // search.<strategy>: {...}
  std::optional<std::size_t> maxTrials;
  MetricGoal metric;  // search.metric
  SearchSpace space;
  std::string pruner;  // search.early_terminate.type ("median", a plugin's); empty: none
  nlohmann::json prunerOptions = nlohmann::json::object();  // its other keys
  ExecutionSpec execution;  // output and storage with their defaults filled in
  int trainEpochs = 1;      // train.epochs: a trial with a smaller budget keeps its checkpoint
};

/// The backend whose trials the strategy hears about, ranks and saves the best model of; the
/// others rerun the same trials to compare.
inline const std::string& primaryBackend(const StudySpec& spec) {
  return spec.execution.backends.front();
}

/// Throws ConfigError with the key path for anything missing or invalid. `parameterOrder`
/// lists search.parameters in the file's order.
StudySpec parseStudySpec(const nlohmann::json& root,
                         const std::vector<std::string>& parameterOrder);

}  // namespace tunelab
