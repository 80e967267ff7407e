#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/Export.h"

namespace tunelab {

/// The learning rate per epoch. Types: constant; exponential_decay {decay_rate, decay_steps
/// (epochs), staircase}; step_decay {factor 0.5, step_size (epochs)}; reduce_on_plateau
/// {monitor val_loss, factor 0.1, patience 10, min_delta 1e-4, cooldown 0, min_lr 0}.
class TUNELAB_API LearningRateSchedule {
 public:
  virtual ~LearningRateSchedule();
  /// The rate to use for epoch `epoch` (0-based), given the optimizer's base rate.
  virtual float rate(int epoch, float baseRate) const = 0;
  /// Called after each epoch with the monitored value (reduce_on_plateau).
  virtual void onEpochEnd(int epoch, double monitored);
  /// The metric it watches, if any ("val_loss").
  virtual std::optional<std::string> monitor() const;
  /// State for checkpoints (reduce_on_plateau keeps a best value and counters).
  virtual nlohmann::json saveState() const;
  virtual void loadState(const nlohmann::json& state);
};

/// A schedule as the file describes it, checked, with Keras' defaults filled in.
struct ScheduleSpec {
  std::string type = "constant";  // constant | exponential_decay | step_decay | reduce_on_plateau
  double decayRate = 0.0;         // exponential_decay
  double decaySteps = 0.0;        // exponential_decay (epochs)
  bool staircase = false;         // exponential_decay
  double factor = 0.5;            // step_decay (0.5), reduce_on_plateau (0.1)
  int stepSize = 1;               // step_decay (epochs)
  std::string monitor = "val_loss";  // reduce_on_plateau
  int patience = 10;
  double minDelta = 1e-4;
  int cooldown = 0;
  double minLr = 0.0;
  bool higherIsBetter = false;  // mode max, or auto for an accuracy/auc/r2 monitor
};

/// null / "constant" / {type: exponential_decay, ...}. Throws ConfigError keyed by the option.
TUNELAB_API ScheduleSpec parseSchedule(const nlohmann::json& json);

/// The schedule `spec` describes (a fresh state).
TUNELAB_API std::unique_ptr<LearningRateSchedule> makeSchedule(const ScheduleSpec& spec);

}  // namespace tunelab
