#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

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

/// null / "constant" / {type: exponential_decay, ...}. Throws ConfigError.
TUNELAB_API std::unique_ptr<LearningRateSchedule> makeSchedule(const nlohmann::json& spec);

}  // namespace tunelab
