#include "experiments/objective/ModelTraining.h"

#include <chrono>

#include "core/Error.h"
#include "core/Graph.h"
#include "core/Loss.h"
#include "core/TrackedMemory.h"
#include "experiments/objective/TargetCheck.h"
#include "plugins/PluginHost.h"

namespace tunelab {

std::unique_ptr<Loss> lossOf(const TrainingSpec& spec) {
  try {
    return makeLoss(spec.loss);
  } catch (const ConfigError& e) {
    throw e.withPrefix("model.loss");
  }
}

Graph graphOf(const TrainingSpec& spec, const Shape& input, const Loss& loss,
              const PluginHost& plugins) {
  try {
    return {spec.layers, input, loss, plugins.layers()};
  } catch (const ConfigError& e) {
    throw ConfigError(layerKeyInFile(spec, e.keyPath()), e.detail());
  }
}

namespace {

// Progress checkpoints between epochs, at most one per `every` seconds, never after the last.
EpochCallback withCheckpoints(const EpochCallback& onEpoch, const TrainingSetup& setup,
                              const Trainer& trainer, int epochs) {
  auto last =
      std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  return [&onEpoch, &setup, &trainer, epochs, last](const EpochRecord& record) {
    if (onEpoch && !onEpoch(record)) return false;
    const auto now = std::chrono::steady_clock::now();
    if (setup.onCheckpoint && record.epoch < epochs &&
        std::chrono::duration<double>(now - *last).count() >= setup.checkpointEverySeconds) {
      setup.onCheckpoint(trainer.checkpoint());
      *last = now;
    }
    return true;
  };
}

// The test rows scored after each epoch, when asked for.
EpochCallback withTestScores(EpochCallback onEpoch, const TrainingData& data,
                             const TrainingSetup& setup, Trainer& trainer, TrainedModel& model) {
  if (!setup.testEveryEpoch || data.test == nullptr || data.test->size() == 0) return onEpoch;
  return [onEpoch = std::move(onEpoch), &data, &trainer, &model](const EpochRecord& record) {
    model.testByEpoch.push_back(trainer.evaluate(*data.test));
    return onEpoch(record);
  };
}

bool completed(FitStatus status) {
  return status == FitStatus::Completed || status == FitStatus::EarlyStopped;
}

}  // namespace

TrainedModel trainModel(const TrainingSpec& spec, const PluginHost& plugins,
                        const TrainingData& data, const TrainingSetup& setup,
                        const EpochCallback& onEpoch) {
  const MemoryMeter memory;  // everything below lives on this thread and dies with the call
  TrainedModel model;
  const auto loss = lossOf(spec);
  Graph graph = graphOf(spec, data.train.sampleShape, *loss, plugins);
  checkTargetsFit(spec, *loss, graph.outputShape().elements(), data.train);
  model.summary = graph.summaryText(setup.modelName);
  if (setup.onModelBuilt) setup.onModelBuilt(model.summary);
  Rng rng(setup.seed);
  graph.initialize(rng);
  const auto backend = plugins.backends().create(setup.backend);
  backend->setThreads(setup.threads);
  Trainer trainer(graph, *backend, *loss, spec.fit, rng);
  if (setup.resume != nullptr) trainer.restore(*setup.resume);
  const Dataset* validation =
      data.validation != nullptr && data.validation->size() > 0 ? data.validation : nullptr;
  model.fit = trainer.fit(data.train, validation,
                          withTestScores(withCheckpoints(onEpoch, setup, trainer, spec.fit.epochs),
                                         data, setup, trainer, model));
  if (completed(model.fit.status)) {
    if (setup.keepCheckpoint) model.checkpoint = trainer.checkpoint();
    model.weights = ModelWeights{{graph.params().begin(), graph.params().end()},
                                 {graph.state().begin(), graph.state().end()}};
    if (data.test != nullptr && data.test->size() > 0) model.test = trainer.evaluate(*data.test);
  }
  model.peakMemoryKiB = std::max<std::int64_t>(1, (memory.peakBytes() + 1023) / 1024);
  return model;
}

std::size_t countParameters(const TrainingSpec& spec, const PluginHost& plugins,
                            const Shape& input) {
  const auto loss = lossOf(spec);
  return graphOf(spec, input, *loss, plugins).params().size();
}

}  // namespace tunelab
