#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/Trainer.h"
#include "core/data/PrepareData.h"
#include "experiments/config/StudySpec.h"
#include "experiments/config/TrainingSpec.h"
#include "experiments/objective/CrossValidation.h"
#include "experiments/objective/Objective.h"
#include "search/Strategy.h"

namespace tunelab {

class PluginHost;

/// The experiment with a trial's `params` bound; every search parameter that is inactive in
/// the trial binds to null. Throws ConfigError keyed by the path in the file.
nlohmann::json bindTrialParameters(const nlohmann::json& experiment, const SearchSpace& space,
                                   const nlohmann::json& params);

/// Trains the model of a trial: the experiment with the trial's parameters bound, on the
/// data prepared once for the whole study. Thread-safe: every call builds its own graph,
/// backend and random stream; the data and the plugin registries are only read.
class ModelObjective : public Objective {
 public:
  /// With `folds` >= 2, every trial scores by k-fold cross-validation over the training rows
  /// (the folds are the same for every trial: they derive from the study seed).
  ModelObjective(const nlohmann::json& experiment, const StudySpec& study, const PreparedData& data,
                 const PluginHost& plugins, int folds = 0);

  /// The experiment with `params` bound (every search parameter that is inactive in this
  /// trial binds to null). Throws ConfigError keyed by the path in the file.
  nlohmann::json bind(const nlohmann::json& params) const;

  TrialRun run(const TrialSpec& trial, const TrialContext& context,
               const TrialEpochCallback& onEpoch) const override;
  bool resumesFromCheckpoints() const override { return folds_.empty(); }

  /// Whether trials score by k-fold cross-validation (then no trial's model is the final one).
  bool crossValidates() const { return !folds_.empty(); }

  /// Trains the model of `params` on every training row (all folds) for `epochs` epochs, as
  /// scikit-learn's refit=True does after a cross-validated search; returns its weights.
  ModelWeights refit(const nlohmann::json& params, const TrialContext& context, int epochs) const;

  /// Number of trainable parameters of a trial's model (to choose threads per trial).
  std::size_t parameterCount(const nlohmann::json& params) const;

 private:
  // One model on `train`, scored each epoch on `validation` (may be empty).
  void train(const TrainingSpec& spec, const TrialContext& context, const Dataset& train,
             const Dataset* validation, const TrialEpochCallback& onEpoch, TrialRun& run) const;
  void crossValidate(const TrainingSpec& spec, const TrialContext& context,
                     const TrialEpochCallback& onEpoch, TrialRun& run) const;
  // The epoch whose value of the search metric is best.
  int bestEpoch(const std::vector<EpochRecord>& history) const;

  const nlohmann::json& experiment_;
  const StudySpec& study_;
  const PreparedData& data_;
  const PluginHost& plugins_;
  std::vector<Fold> folds_;
};

}  // namespace tunelab
