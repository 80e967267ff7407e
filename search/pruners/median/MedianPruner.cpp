#include "search/pruners/median/MedianPruner.h"

#include <algorithm>
#include <limits>

#include "core/Options.h"

namespace tunelab {

MedianPruner::MedianPruner(const PrunerContext& context) {
  Options options(context.options, "search.early_terminate");
  warmupEpochs_ = static_cast<int>(options.integer("warmup_epochs", 5, {.min = 0}));
  minTrials_ = static_cast<int>(options.integer("min_trials", 5, {.min = 1}));
  options.finish();
}

Decision MedianPruner::report(TrialId id, int epoch, double value) {
  auto& curve = running_[id];
  // A trial that runs again reports again from the epoch it goes on from; an epoch never
  // reported counts as the worst value.
  curve.resize(static_cast<std::size_t>(epoch - 1), std::numeric_limits<double>::infinity());
  curve.push_back(curve.empty() ? value : std::min(curve.back(), value));
  if (epoch < warmupEpochs_) return Decision::Continue;
  std::vector<double> others;
  for (const auto& [other, values] : finished_) {
    if (static_cast<int>(values.size()) >= epoch) others.push_back(values[epoch - 1]);
  }
  if (static_cast<int>(others.size()) < minTrials_) return Decision::Continue;
  std::sort(others.begin(), others.end());
  const std::size_t n = others.size();
  const double median = n % 2 == 1 ? others[n / 2] : 0.5 * (others[n / 2 - 1] + others[n / 2]);
  return curve.back() > median ? Decision::Stop : Decision::Continue;
}

void MedianPruner::finished(TrialId id, TrialOutcome::State /*state*/) {
  auto node = running_.extract(id);
  finished_[id] = node.empty() ? std::vector<double>{} : std::move(node.mapped());
}

}  // namespace tunelab
