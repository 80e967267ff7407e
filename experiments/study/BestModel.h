#pragma once

#include <filesystem>
#include <optional>
#include <utility>
#include <vector>

#include "core/data/Preprocessor.h"
#include "experiments/config/ExperimentSpec.h"
#include "experiments/objective/ModelObjective.h"
#include "experiments/store/StudyStore.h"

namespace tunelab {

/// What the best model of a study is made from.
struct ModelSource {
  const ExperimentSpec& experiment;
  const ModelObjective& objective;
  const Preprocessor& preprocessor;
  int threads = 1;  // for a refit after k-fold scoring
};

/// Writes <output>/best_model.tunelab: the best complete trial's weights as the runner stored
/// them, or, when trials were scored by k-fold cross-validation, the best configuration trained
/// again on every training row. Returns the trial and the file, or nothing without a best trial.
std::optional<std::pair<TrialId, std::filesystem::path>> saveBestModel(
    StudyStore& store, const std::vector<TrialRecord>& trials, const ModelSource& source);

}  // namespace tunelab
