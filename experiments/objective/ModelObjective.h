#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/data/PrepareData.h"
#include "experiments/config/ExperimentSpec.h"
#include "experiments/objective/CrossValidation.h"
#include "experiments/objective/ModelTraining.h"
#include "experiments/objective/Objective.h"

namespace tunelab {

class PluginHost;

/// Trains the model of a trial: the experiment with the trial's parameters bound, on the
/// data prepared once for the whole study. Thread-safe: every call builds its own graph,
/// backend and random stream; the data and the plugin registries are only read.
class ModelObjective : public Objective {
 public:
  /// With train.validation.kfold, every trial scores by k-fold cross-validation over the
  /// training rows (the folds are the same for every trial: they derive from the study seed).
  ModelObjective(const ExperimentSpec& experiment, const PreparedData& data,
                 const PluginHost& plugins);

  TrialRun run(const TrialSpec& trial, const TrialContext& context,
               const TrialEpochCallback& onEpoch) const override;
  bool resumesFromCheckpoints() const override { return folds_.empty(); }

  /// Whether trials score by k-fold cross-validation (then no trial's model is the final one).
  bool crossValidates() const { return !folds_.empty(); }

  /// Trains the model of `params` on every training row (all folds) for `epochs` epochs, as
  /// scikit-learn's refit=True does after a cross-validated search; returns its weights.
  ModelWeights refit(const nlohmann::json& params, const TrainingSetup& setup, int epochs) const;

  /// Number of trainable parameters of a trial's model (to choose threads per trial).
  std::size_t parameterCount(const nlohmann::json& params) const;

 private:
  void trainOnSplit(TrainingSpec spec, const TrialContext& context,
                    const TrialEpochCallback& onEpoch, TrialRun& run) const;
  void crossValidate(const TrainingSpec& spec, const TrialContext& context,
                     const TrialEpochCallback& onEpoch, TrialRun& run) const;

  const ExperimentSpec& experiment_;
  const PreparedData& data_;
  const PluginHost& plugins_;
  std::vector<Fold> folds_;
};

}  // namespace tunelab
