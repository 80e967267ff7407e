#include "experiments/study/ModelObjective.h"

#include <chrono>

#include "core/Error.h"
#include "core/Graph.h"
#include "core/Loss.h"
#include "experiments/ParameterBinding.h"
#include "experiments/TrainingSpec.h"
#include "plugins/PluginHost.h"

namespace tunelab {

ModelObjective::ModelObjective(const nlohmann::json& experiment, const StudySpec& study,
                               const PreparedData& data, const PluginHost& plugins)
    : experiment_(experiment), study_(study), data_(data), plugins_(plugins) {}

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

TrialRun ModelObjective::run(const TrialSpec& trial, const TrialContext& context,
                             const TrialEpochCallback& onEpoch) const {
  const auto start = std::chrono::steady_clock::now();
  TrialRun run;
  try {
    TrainingSpec spec = parseTrainingSpec(bind(trial.params));
    if (trial.budget > 0) spec.fit.epochs = trial.budget;
    const auto loss = makeLoss(spec.loss);
    Graph graph(spec.layers, data_.train.sampleShape, *loss, plugins_.layers());
    Rng rng(context.seed);
    graph.initialize(rng);
    const auto backend = plugins_.backends().create(context.backend);
    backend->setThreads(context.threads);
    Trainer trainer(graph, *backend, *loss, spec.fit, rng);
    if (context.resume != nullptr) trainer.restore(*context.resume);
    run.fit = trainer.fit(data_.train, data_.validation.size() > 0 ? &data_.validation : nullptr,
                          onEpoch);
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
    // The test split scores the model the trial ends with (the best epoch's weights when
    // early stopping restores them); it never takes part in choosing a trial.
    if (run.ending == TrialRun::Ending::Complete && data_.test.size() > 0) {
      for (const auto& [name, value] : trainer.evaluate(data_.test))
        run.test["test_" + name] = value;
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
