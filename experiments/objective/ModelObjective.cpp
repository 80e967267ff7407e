#include "experiments/objective/ModelObjective.h"

#include <algorithm>
#include <chrono>

#include "core/Error.h"

namespace tunelab {

namespace {

TrainingSetup setupOf(const TrialContext& context) {
  TrainingSetup setup;
  setup.backend = context.backend;
  setup.seed = context.seed;
  setup.threads = context.threads;
  setup.resume = context.resume;
  setup.keepCheckpoint = context.keepCheckpoint;
  setup.onCheckpoint = context.onCheckpoint;
  setup.checkpointEverySeconds = context.checkpointEverySeconds;
  return setup;
}

TrialRun::Ending endingOf(const FitResult& fit) {
  switch (fit.status) {
    case FitStatus::Diverged:
      return TrialRun::Ending::Failed;
    case FitStatus::Stopped:
      return TrialRun::Ending::Stopped;
    default:
      return TrialRun::Ending::Complete;
  }
}

}  // namespace

ModelObjective::ModelObjective(const ExperimentSpec& experiment, const PreparedData& data,
                               const PluginHost& plugins)
    : experiment_(experiment), data_(data), plugins_(plugins) {
  const int folds = experiment.probe ? experiment.probe->validationFolds : 0;
  try {
    if (folds > 0) folds_ = makeFolds(data_.train, folds, experiment.study.execution.seed);
  } catch (const ConfigError& e) {
    throw ConfigError("train.validation.kfold", e.detail());
  }
}

std::size_t ModelObjective::parameterCount(const nlohmann::json& params) const {
  return countParameters(experiment_.training(params), plugins_, data_.train.sampleShape);
}

// The model ends at the epoch that ranks the trial (the study metric's best), and is tested there.
void ModelObjective::trainOnSplit(TrainingSpec spec, const TrialContext& context,
                                  const TrialEpochCallback& onEpoch, TrialRun& run) const {
  const MetricGoal& metric = experiment_.study.metric;
  spec.fit.keepBest = KeepBest{metric.name, metric.maximize};
  TrainedModel model = trainModel(spec, plugins_, {data_.train, &data_.validation, &data_.test},
                                  setupOf(context), onEpoch);
  run.fit = std::move(model.fit);
  run.ending = endingOf(run.fit);
  if (run.ending == TrialRun::Ending::Failed) {
    run.error = run.fit.message.empty() ? "training diverged" : run.fit.message;
  }
  run.checkpoint = std::move(model.checkpoint);
  if (run.ending == TrialRun::Ending::Complete) run.weights = std::move(model.weights);
  for (const auto& [name, value] : model.test) run.test["test_" + name] = value;
  run.peakMemoryKiB = model.peakMemoryKiB;
}

void ModelObjective::crossValidate(const TrainingSpec& spec, const TrialContext& context,
                                   const TrialEpochCallback& onEpoch, TrialRun& run) const {
  // The folds train one after the other; the runner then hears the mean curve, epoch by
  // epoch, so the strategy and the pruner see a k-fold trial like any other.
  std::vector<std::vector<EpochRecord>> histories;
  const auto k = static_cast<double>(folds_.size());
  TrainingSetup setup = setupOf(context);
  setup.onCheckpoint = {};  // a fold's model is not the trial's
  setup.testEveryEpoch = true;
  std::vector<std::vector<std::map<std::string, double>>> tests;
  const auto goOn = [&](const EpochRecord&) { return !(context.cancelled && context.cancelled()); };
  for (std::size_t f = 0; f < folds_.size(); ++f) {
    TrainedModel fold = trainModel(
        spec, plugins_, {folds_[f].train, &folds_[f].validation, &data_.test}, setup, goOn);
    run.ending = endingOf(fold.fit);
    if (run.ending != TrialRun::Ending::Complete) {
      if (run.ending == TrialRun::Ending::Failed) {
        run.error = "fold " + std::to_string(f + 1) + " of " + std::to_string(folds_.size()) +
                    ": " + fold.fit.message;
      }
      return;
    }
    run.peakMemoryKiB = std::max(run.peakMemoryKiB, fold.peakMemoryKiB);
    histories.push_back(std::move(fold.fit.history));
    tests.push_back(std::move(fold.testByEpoch));
  }
  for (const auto& record : averageHistories(histories)) {
    run.fit.history.push_back(record);
    if (!onEpoch(record)) {
      run.ending = TrialRun::Ending::Stopped;
      break;
    }
  }
  run.fit.status = FitStatus::Completed;
  const int best = experiment_.study.metric.bestEpoch(run.fit.history);
  run.fit.bestEpoch = best > 0 ? best : static_cast<int>(run.fit.history.size());
  // Each fold's test metrics at that epoch (a fold that stopped early: at its last), averaged.
  for (const auto& fold : tests) {
    if (fold.empty() || run.fit.bestEpoch < 1) continue;
    const auto at = std::min(static_cast<std::size_t>(run.fit.bestEpoch), fold.size()) - 1;
    for (const auto& [name, value] : fold[at]) run.test["test_" + name] += value / k;
  }
}

ModelWeights ModelObjective::refit(const nlohmann::json& params, const TrainingSetup& setup,
                                   int epochs) const {
  TrainingSpec spec = experiment_.training(params);
  spec.fit.epochs = std::max(1, epochs);
  spec.fit.earlyStopping.enabled = false;  // there is no validation data left to watch
  TrainedModel model = trainModel(spec, plugins_, {data_.train}, setup);
  if (!model.weights) {
    throw Error("refitting the best trial on all training rows failed: " + model.fit.message);
  }
  return *model.weights;
}

TrialRun ModelObjective::run(const TrialSpec& trial, const TrialContext& context,
                             const TrialEpochCallback& onEpoch) const {
  const auto start = std::chrono::steady_clock::now();
  TrialRun run;
  try {
    TrainingSpec spec = experiment_.training(trial.params);
    if (trial.budget > 0) spec.fit.epochs = trial.budget;
    run.parameterCount =
        static_cast<double>(countParameters(spec, plugins_, data_.train.sampleShape));
    if (folds_.empty()) {
      trainOnSplit(std::move(spec), context, onEpoch, run);
    } else {
      crossValidate(spec, context, onEpoch, run);
    }
  } catch (const ConfigError& e) {
    run.ending = TrialRun::Ending::Failed;
    run.error = e.keyPath() + ": " + e.detail();
  } catch (const std::exception& e) {
    run.ending = TrialRun::Ending::Failed;
    run.error = e.what();
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

}  // namespace tunelab
