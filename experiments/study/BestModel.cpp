#include "experiments/study/BestModel.h"

#include "experiments/files/ModelFile.h"

namespace tunelab {

namespace {

// The best complete trial of the primary backend; of equals, the one whose weights are stored.
std::optional<TrialRecord> bestTrial(const std::vector<TrialRecord>& trials, const StudySpec& study,
                                     const std::optional<StoredWeights>& stored) {
  std::optional<TrialRecord> best;
  for (const auto& t : trials) {
    if (t.backend != primaryBackend(study) || t.status != TrialStatus::Complete || !t.value) {
      continue;
    }
    const bool isStored = stored && stored->trial == t.id && stored->backend == t.backend;
    if (!best || study.metric.better(*t.value, *best->value) ||
        (isStored && *t.value == *best->value)) {
      best = t;
    }
  }
  return best;
}

}  // namespace

std::optional<std::pair<TrialId, std::filesystem::path>> saveBestModel(
    StudyStore& store, const std::vector<TrialRecord>& trials, const ModelSource& source) {
  const StudySpec& study = source.experiment.study;
  auto stored = store.bestModel();
  const auto best = bestTrial(trials, study, stored);
  if (!best) return std::nullopt;
  ModelWeights weights;
  if (stored && stored->trial == best->id && stored->backend == best->backend) {
    weights = std::move(stored->weights);
  } else if (source.objective.crossValidates()) {
    weights = source.objective.refit(best->params, {best->backend, best->seed, source.threads},
                                     best->bestEpoch);
  } else {
    return std::nullopt;  // a study stored by a tunelab that kept no weights
  }
  SavedModel saved;
  saved.experiment = savedExperiment(source.experiment.bind(best->params));
  saved.preprocessor = source.preprocessor;
  saved.params = std::move(weights.params);
  saved.state = std::move(weights.state);
  saved.info = {
      {"study", study.name},        {"trial", best->id},
      {"parameters", best->params}, {"metric", study.metric.name},
      {"value", *best->value},      {"best_epoch", best->bestEpoch},
      {"backend", best->backend},   {"refit_on_all_folds", source.objective.crossValidates()}};
  const auto file = study.execution.output / "best_model.tunelab";
  saveModel(file, saved);
  return std::make_pair(best->id, file);
}

}  // namespace tunelab
