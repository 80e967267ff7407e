#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/Trainer.h"

namespace tunelab {

/// The search metric and its goal: the one place that says whether larger is better, turns a
/// value into the number strategies and pruners minimise, and compares values.
struct MetricGoal {
  std::string name = "val_loss";
  bool maximize = false;

  /// `name` with its default goal: accuracy, auc, precision, recall and r2 (also as val_ and
  /// test_) are maximised, everything else minimised.
  static MetricGoal forName(std::string name);

  std::string_view goalName() const { return maximize ? "maximize" : "minimize"; }
  /// The value to minimise: negated when the goal is maximize; +infinity when not finite.
  double minimised(double value) const;
  /// Whether `a` is strictly better than `b`.
  bool better(double a, double b) const { return maximize ? a > b : a < b; }
  /// The metric's value in an epoch, when it was recorded.
  std::optional<double> valueIn(const EpochRecord& epoch) const;
  /// The 1-based epoch with the best finite value (the first of equals); 0 when none has one.
  int bestEpoch(const std::vector<EpochRecord>& history) const;
  /// Whether tunelab derives the value from the trial instead of reading it from an epoch:
  /// `params` (the model's trainable parameters) and `epoch_time` (median seconds per epoch).
  bool derived() const { return name == kParameterCount || name == kEpochTime; }

  static constexpr std::string_view kParameterCount = "params";
  static constexpr std::string_view kEpochTime = "epoch_time";
};

}  // namespace tunelab
