#include "PercentilePruner.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/Options.h"

namespace example {

PercentilePruner::PercentilePruner(const tunelab::PrunerContext& context) {
  tunelab::Options o(context.options, "search.early_terminate");
  percentile_ = o.number("percentile", 25.0, {.min = 0, .max = 100});
  warmupEpochs_ = static_cast<int>(o.integer("warmup_epochs", 1, {.min = 0}));
  minTrials_ = static_cast<std::size_t>(o.integer("min_trials", 3, {.min = 1}));
  o.finish();  // an unknown key is an error with a "did you mean" suggestion
}

tunelab::Decision PercentilePruner::report(tunelab::TrialId id, int epoch, double value) {
  auto& curve = running_[id];
  // A resumed trial reports again from the epoch it goes on from; all that counts is its best
  // value after each epoch, so the pruner ends as it would have without the interruption.
  curve.resize(static_cast<std::size_t>(epoch - 1), std::numeric_limits<double>::infinity());
  curve.push_back(curve.empty() ? value : std::min(curve.back(), value));
  if (epoch <= warmupEpochs_) return tunelab::Decision::Continue;
  const auto limit = threshold(epoch);
  return limit && curve.back() > *limit ? tunelab::Decision::Stop : tunelab::Decision::Continue;
}

std::optional<double> PercentilePruner::threshold(int epoch) const {
  std::vector<double> values;
  for (const auto& [trial, curve] : finished_) {
    if (static_cast<int>(curve.size()) >= epoch) values.push_back(curve[epoch - 1]);
  }
  if (values.size() < minTrials_) return std::nullopt;
  std::sort(values.begin(), values.end());
  // Linear interpolation between the closest ranks, as numpy.percentile (Optuna's choice).
  const double rank = percentile_ / 100.0 * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(rank));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  const double fraction = rank - static_cast<double>(below);
  if (fraction == 0.0) return values[below];
  // Between a finite value and +infinity (a diverged trial) the percentile is infinite.
  if (std::isinf(values[above])) return values[above];
  return values[below] + fraction * (values[above] - values[below]);
}

void PercentilePruner::finished(tunelab::TrialId id, tunelab::TrialOutcome::State /*state*/) {
  // A trial that never reported (failed before its first epoch, or unknown) adds nothing.
  auto node = running_.extract(id);
  if (!node.empty()) finished_[id] = std::move(node.mapped());
}

}  // namespace example
