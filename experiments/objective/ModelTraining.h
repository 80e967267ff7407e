#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/Graph.h"
#include "core/Loss.h"
#include "core/Trainer.h"
#include "core/data/Dataset.h"
#include "experiments/config/TrainingSpec.h"

namespace tunelab {

class PluginHost;

/// The rows one model trains on, is scored on after each epoch, and is tested on at the end.
struct TrainingData {
  const Dataset& train;
  const Dataset* validation = nullptr;  // null or empty: no validation
  const Dataset* test = nullptr;        // null or empty: no test
};

/// How one model trains: on which backend and threads, from which seed, and where it goes on
/// from.
struct TrainingSetup {
  std::string backend;
  std::uint64_t seed = 0;
  int threads = 1;
  const Checkpoint* resume = nullptr;  // continue this training
  bool keepCheckpoint = false;         // return the final checkpoint
  // Progress checkpoints, after an epoch when this many seconds passed since the last one.
  std::function<void(Checkpoint)> onCheckpoint;
  double checkpointEverySeconds = 0;
  // Also score the test rows after every epoch (a k-fold trial's folds: their test metrics are
  // taken at the epoch the mean curve ranks, known only once every fold is done).
  bool testEveryEpoch = false;
  std::string modelName = "sequential";                  // in the summary
  std::function<void(const std::string&)> onModelBuilt;  // the summary, before training
};

/// A trained model and how its training went.
struct TrainedModel {
  FitResult fit;
  std::map<std::string, double> test;  // loss and metrics on the test rows (no prefix)
  std::vector<std::map<std::string, double>> testByEpoch;  // testEveryEpoch: after each epoch
  std::optional<ModelWeights> weights;   // when training completed (or stopped early)
  std::optional<Checkpoint> checkpoint;  // when asked for and training completed
  std::string summary;                   // the model summary, Keras style
  std::int64_t peakMemoryKiB = 0;        // float buffers the training held at most
};

/// Trains one model: builds its graph, initialises it from the seed, trains it and scores it.
/// The one training path of `tunelab train`, a study's trials, k-fold folds and the refit of
/// the best configuration. A setting that does not fit the data or the layers throws
/// ConfigError keyed by its path in the experiment file; the test rows are scored only when
/// training completed (also when it stopped early), never to choose anything.
TrainedModel trainModel(const TrainingSpec& spec, const PluginHost& plugins,
                        const TrainingData& data, const TrainingSetup& setup,
                        const EpochCallback& onEpoch = {});

/// The loss `spec` names. Throws ConfigError keyed by the path in the file.
std::unique_ptr<Loss> lossOf(const TrainingSpec& spec);

/// The model `spec` describes for inputs of `input`, checked against `loss`. Throws ConfigError
/// keyed by the path in the file (a layer's place in the file, also inside a repeat block).
Graph graphOf(const TrainingSpec& spec, const Shape& input, const Loss& loss,
              const PluginHost& plugins);

/// The number of trainable parameters of the model `spec` describes for inputs of `input`.
/// Throws ConfigError as trainModel does.
std::size_t countParameters(const TrainingSpec& spec, const PluginHost& plugins,
                            const Shape& input);

}  // namespace tunelab
