#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/Backend.h"
#include "core/Export.h"
#include "core/Graph.h"
#include "core/Loss.h"
#include "core/Metric.h"
#include "core/Optimizer.h"
#include "core/Rng.h"
#include "core/Schedule.h"
#include "core/data/Dataset.h"

namespace tunelab {

/// Keras EarlyStopping: stop when `monitor` has not improved by min_delta for `patience`
/// epochs; optionally restore the weights of the best epoch.
struct EarlyStopping {
  bool enabled = false;
  std::string monitor = "val_loss";
  double minDelta = 0.0;
  int patience = 0;
  bool restoreBestWeights = false;
  std::string mode = "auto";  // auto | min | max
  int startFromEpoch = 0;
};

/// Keras ModelCheckpoint(save_best_only=True), kept in memory: after each epoch whose `monitor`
/// is strictly better than every earlier epoch's (the first of equals wins), a copy of the
/// weights is kept; training ends with the model holding that epoch's weights.
struct KeepBest {
  std::string monitor;  // a name in the epoch's values ("val_loss")
  bool maximize = false;
};

/// How to train, as the `train` section of the experiment file says.
struct FitOptions {
  int epochs = 1;
  std::size_t batchSize = 32;
  bool shuffle = true;
  double validationSplit = 0.0;  // taken from the end of the training data, as Keras
  EarlyStopping earlyStopping;
  OptimizerSpec optimizer;
  ScheduleSpec schedule;
  std::vector<std::string> metrics;  // names metricNames() knows
  std::optional<KeepBest> keepBest;  // a study's metric: the model ends at its best epoch
};

/// One epoch of history: loss, val_loss and every metric and val_metric (by Keras names).
struct EpochRecord {
  int epoch = 0;                         // 1-based, as Keras prints it
  std::map<std::string, double> values;  // "loss", "val_loss", "accuracy", "val_accuracy"...
  double learningRate = 0.0;
  double seconds = 0.0;
  // Set by an objective whose run ends after this epoch whatever the answer (a function's one
  // value): no executor needs to hold the trial for the coordinator's look at it. Not stored.
  bool last = false;
};

enum class FitStatus : std::uint8_t { Completed, EarlyStopped, Diverged, Stopped };
TUNELAB_API std::string_view fitStatusName(FitStatus status);

struct FitResult {
  FitStatus status = FitStatus::Completed;
  std::vector<EpochRecord> history;
  int bestEpoch = 0;    // 1-based epoch whose weights the model holds at the end (keepBest's,
                        // else early stopping's restored one, else the last)
  std::string message;  // why it ended, for Diverged ("loss became NaN at epoch 3")
};

/// A trained model's weights: its parameters and its layer state (batch-norm statistics).
struct ModelWeights {
  std::vector<float> params;
  std::vector<float> state;
};

/// Everything needed to continue training exactly where it stopped: the last epoch's state,
/// also when the model ends holding the weights of an earlier, best epoch.
struct Checkpoint {
  int epochsDone = 0;
  std::vector<float> params;
  std::vector<float> state;
  std::vector<float> optimizer;
  Rng::State rng;
  nlohmann::json schedule;
  nlohmann::json earlyStopping;  // best value, wait counter, best weights
  nlohmann::json keptBest;       // KeepBest: the best epoch so far, its value and weights
  std::vector<EpochRecord> history;
};

/// Called after each epoch; returning false stops training (status Stopped).
using EpochCallback = std::function<bool(const EpochRecord&)>;

/// Trains one Graph on one backend with one random stream (one trial).
class TUNELAB_API Trainer {
 public:
  Trainer(Graph& graph, Backend& backend, const Loss& loss, FitOptions options, Rng rng);
  ~Trainer();

  /// Runs the remaining epochs. `validation` may be null (then validationSplit applies, or
  /// there is no validation). A NaN/Inf loss ends with status Diverged; the history up to
  /// that epoch is kept.
  FitResult fit(const Dataset& train, const Dataset* validation, const EpochCallback& onEpoch = {});

  /// Loss and metrics (no "val_" prefix) on `data`, in evaluation mode.
  std::map<std::string, double> evaluate(const Dataset& data);
  /// Model outputs after the output activation (regression: in the data's scaled units).
  Matrix predict(ConstMatrixView x);

  Checkpoint checkpoint() const;
  void restore(const Checkpoint& checkpoint);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tunelab
