#include "experiments/config/MetricGoal.h"

#include <cmath>
#include <limits>

namespace tunelab {

MetricGoal MetricGoal::forName(std::string name) {
  std::string_view base = name;
  if (base.starts_with("val_")) base.remove_prefix(4);
  if (base.starts_with("test_")) base.remove_prefix(5);
  bool maximize = false;
  for (const char* larger : {"accuracy", "auc", "precision", "recall", "r2"}) {
    maximize = maximize || base == larger;
  }
  return {std::move(name), maximize};
}

double MetricGoal::minimised(double value) const {
  if (!std::isfinite(value)) return std::numeric_limits<double>::infinity();
  return maximize ? -value : value;
}

std::optional<double> MetricGoal::valueIn(const EpochRecord& epoch) const {
  const auto it = epoch.values.find(name);
  if (it == epoch.values.end()) return std::nullopt;
  return it->second;
}

int MetricGoal::bestEpoch(const std::vector<EpochRecord>& history) const {
  int best = 0;
  double bestValue = std::numeric_limits<double>::infinity();
  for (const auto& record : history) {
    const auto value = valueIn(record);
    if (!value || !std::isfinite(*value)) continue;
    if (minimised(*value) < bestValue) {
      bestValue = minimised(*value);
      best = record.epoch;
    }
  }
  return best;
}

}  // namespace tunelab
