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
#include "search/Strategy.h"

namespace tunelab {

/// The `search` and `execution` sections of an experiment file.
struct StudySpec {
  std::string name = "experiment";
  std::string strategy = "grid";  // search.strategy, `auto` already resolved to a name
  std::string strategyReason;     // why `auto` picked it; empty when the file names it
  nlohmann::json strategyOptions = nlohmann::json::object();  // search.<strategy>: {...}
  // Under auto: every bundled strategy's options block in the file, by name, so that the
  // strategy a resumed study keeps takes its own.
  nlohmann::json autoStrategyOptions = nlohmann::json::object();
  std::optional<std::size_t> maxTrials;
  MetricGoal metric;  // search.metric, or its first objective: it picks each trial's epoch
  // The second and later objectives when search.metric is a list (empty: one objective).
  std::vector<MetricGoal> extraObjectives;
  SearchSpace space;
  std::string pruner;  // search.early_terminate.type ("median", a plugin's); empty: none
  nlohmann::json prunerOptions = nlohmann::json::object();  // its other keys
  ExecutionSpec execution;   // output and storage with their defaults filled in
  int trainEpochs = 1;       // train.epochs: a trial with a smaller budget keeps its checkpoint
  bool epochsKnown = false;  // trainEpochs is train.epochs; a command's trials have no total
};

/// The backend whose trials the strategy hears about, ranks and saves the best model of; the
/// others rerun the same trials to compare.
inline const std::string& primaryBackend(const StudySpec& spec) {
  return spec.execution.backends.front();
}

/// What the study's strategy is built with. It carries the file's parallel_trials (0 for
/// auto, not the cores found here): strategies derive their default lag from it, so the same
/// file gives the same trials on any machine.
StrategyContext strategyContext(const StudySpec& study);

/// Every objective in the file's order: `metric`, then the extra ones.
std::vector<MetricGoal> objectivesOf(const StudySpec& spec);

/// The values to minimise: each objective's value negated when its goal is maximize.
std::vector<double> minimisedObjectives(const StudySpec& spec, const std::vector<double>& values);

/// "val_loss (minimize)", or for several objectives "val_loss (minimize), params (minimize)".
std::string describeObjectives(const StudySpec& spec);

/// Runs `strategy` under `strategy: auto`, with its options block from the file.
void useAutoStrategy(StudySpec& spec, const std::string& strategy, std::string reason);

/// Under auto, an options block for a strategy the study does not run would be ignored:
/// throws ConfigError keyed "search.<name>" saying what auto picked.
void refuseIgnoredStrategyOptions(const StudySpec& spec);

/// Throws ConfigError with the key path for anything missing or invalid. `parameterOrder`
/// lists search.parameters in the file's order.
StudySpec parseStudySpec(const nlohmann::json& root,
                         const std::vector<std::string>& parameterOrder);

}  // namespace tunelab
