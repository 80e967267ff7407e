#include "experiments/objective/ModelObjective.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "core/Error.h"
#include "core/Graph.h"
#include "core/Loss.h"
#include "core/TrackedMemory.h"
#include "experiments/config/ParameterBinding.h"
#include "experiments/config/TrainingSpec.h"
#include "plugins/PluginHost.h"

namespace tunelab {

ModelObjective::ModelObjective(const nlohmann::json& experiment, const StudySpec& study,
                               const PreparedData& data, const PluginHost& plugins, int folds)
    : experiment_(experiment), study_(study), data_(data), plugins_(plugins) {
  try {
    if (folds > 0) folds_ = makeFolds(data_.train, folds, study_.seed);
  } catch (const ConfigError& e) {
    throw ConfigError("train.validation.kfold", e.detail());
  }
}

nlohmann::json bindTrialParameters(const nlohmann::json& experiment, const SearchSpace& space,
                                   const nlohmann::json& params) {
  std::map<std::string, nlohmann::json> values;
  for (const auto& p : space.parameters()) values[p.name] = nullptr;
  for (const auto& [name, value] : params.items()) values[name] = value;
  return bindExperiment(experiment, values, false);
}

nlohmann::json ModelObjective::bind(const nlohmann::json& params) const {
  return bindTrialParameters(experiment_, study_.space, params);
}

std::size_t ModelObjective::parameterCount(const nlohmann::json& params) const {
  const TrainingSpec spec = parseTrainingSpec(bind(params));
  const auto loss = makeLoss(spec.loss);
  const Graph graph(spec.layers, data_.train.sampleShape, *loss, plugins_.layers());
  return graph.params().size();
}

void ModelObjective::train(const TrainingSpec& spec, const TrialContext& context,
                           const Dataset& train, const Dataset* validation,
                           const TrialEpochCallback& onEpoch, TrialRun& run) const {
  const MemoryMeter memory;  // everything below lives on this thread and dies with the call
  const auto loss = makeLoss(spec.loss);
  Graph graph(spec.layers, train.sampleShape, *loss, plugins_.layers());
  Rng rng(context.seed);
  graph.initialize(rng);
  const auto backend = plugins_.backends().create(context.backend);
  backend->setThreads(context.threads);
  Trainer trainer(graph, *backend, *loss, spec.fit, rng);
  if (context.resume != nullptr) trainer.restore(*context.resume);
  auto lastCheckpoint = std::chrono::steady_clock::now();
  const auto withCheckpoints = [&](const EpochRecord& record) {
    if (onEpoch && !onEpoch(record)) return false;
    const auto now = std::chrono::steady_clock::now();
    if (context.onCheckpoint && record.epoch < spec.fit.epochs &&
        std::chrono::duration<double>(now - lastCheckpoint).count() >=
            context.checkpointEverySeconds) {
      context.onCheckpoint(trainer.checkpoint());
      lastCheckpoint = now;
    }
    return true;
  };
  run.fit =
      trainer.fit(train, validation != nullptr && validation->size() > 0 ? validation : nullptr,
                  withCheckpoints);
  switch (run.fit.status) {
    case FitStatus::Diverged:
      run.ending = TrialRun::Ending::Failed;
      run.error = run.fit.message.empty() ? "training diverged" : run.fit.message;
      break;
    case FitStatus::Stopped:
      run.ending = TrialRun::Ending::Stopped;
      break;
    default:
      run.ending = TrialRun::Ending::Complete;
  }
  if (context.keepCheckpoint && run.ending == TrialRun::Ending::Complete)
    run.checkpoint = trainer.checkpoint();
  if (run.ending == TrialRun::Ending::Complete) {
    run.weights = ModelWeights{{graph.params().begin(), graph.params().end()},
                               {graph.state().begin(), graph.state().end()}};
  }
  // The test split scores the model the trial ends with (the best epoch's weights when
  // early stopping restores them); it never takes part in choosing a trial.
  if (run.ending == TrialRun::Ending::Complete && data_.test.size() > 0) {
    for (const auto& [name, value] : trainer.evaluate(data_.test)) run.test["test_" + name] = value;
  }
  run.peakMemoryKiB = std::max<std::int64_t>(1, (memory.peakBytes() + 1023) / 1024);
}

void ModelObjective::crossValidate(const TrainingSpec& spec, const TrialContext& context,
                                   const TrialEpochCallback& onEpoch, TrialRun& run) const {
  // The folds train one after the other; the runner then hears the mean curve, epoch by
  // epoch, so the strategy and the median rule see a k-fold trial like any other.
  std::vector<std::vector<EpochRecord>> histories;
  std::map<std::string, double> test;
  const auto k = static_cast<double>(folds_.size());
  TrialContext foldContext = context;
  foldContext.onCheckpoint = {};  // a fold's model is not the trial's
  for (std::size_t f = 0; f < folds_.size(); ++f) {
    TrialRun fold;
    train(
        spec, foldContext, folds_[f].train, &folds_[f].validation,
        [&](const EpochRecord&) { return !(context.cancelled && context.cancelled()); }, fold);
    if (fold.ending != TrialRun::Ending::Complete) {
      run.ending = fold.ending;
      run.error = fold.error.empty() ? ""
                                     : "fold " + std::to_string(f + 1) + " of " +
                                           std::to_string(folds_.size()) + ": " + fold.error;
      return;
    }
    run.peakMemoryKiB = std::max(run.peakMemoryKiB, fold.peakMemoryKiB);
    histories.push_back(std::move(fold.fit.history));
    for (const auto& [name, value] : fold.test) test[name] += value / k;
  }
  run.ending = TrialRun::Ending::Complete;
  for (const auto& record : averageHistories(histories)) {
    run.fit.history.push_back(record);
    if (!onEpoch(record)) {
      run.ending = TrialRun::Ending::Stopped;
      break;
    }
  }
  run.fit.status = FitStatus::Completed;
  run.fit.bestEpoch = bestEpoch(run.fit.history);
  run.test = std::move(test);
}

int ModelObjective::bestEpoch(const std::vector<EpochRecord>& history) const {
  int best = static_cast<int>(history.size());
  double bestValue = std::numeric_limits<double>::infinity();
  for (const auto& record : history) {
    auto it = record.values.find(study_.metric);
    if (it == record.values.end() || !std::isfinite(it->second)) continue;
    const double v = study_.maximize ? -it->second : it->second;
    if (v < bestValue) {
      bestValue = v;
      best = record.epoch;
    }
  }
  return best;
}

ModelWeights ModelObjective::refit(const nlohmann::json& params, const TrialContext& context,
                                   int epochs) const {
  TrainingSpec spec = parseTrainingSpec(bind(params));
  spec.fit.epochs = std::max(1, epochs);
  spec.fit.earlyStopping.enabled = false;  // there is no validation data left to watch
  TrialRun run;
  train(spec, context, data_.train, nullptr, {}, run);
  if (!run.weights)
    throw Error("refitting the best trial on all training rows failed: " + run.error);
  return *run.weights;
}

TrialRun ModelObjective::run(const TrialSpec& trial, const TrialContext& context,
                             const TrialEpochCallback& onEpoch) const {
  const auto start = std::chrono::steady_clock::now();
  TrialRun run;
  try {
    TrainingSpec spec = parseTrainingSpec(bind(trial.params));
    if (trial.budget > 0) spec.fit.epochs = trial.budget;
    if (folds_.empty()) {
      train(spec, context, data_.train, &data_.validation, onEpoch, run);
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
