#pragma once

#include <map>
#include <optional>
#include <vector>

#include "search/Pruner.h"

namespace example {

/// Optuna's PercentilePruner: after `warmup_epochs` epochs, and once `min_trials` finished
/// trials have reached the same epoch, stop a trial whose best value so far is worse than the
/// `percentile`-th percentile of theirs at that epoch (values are minimised, so percentile 25
/// keeps only trials as good as the best quarter; 50 is the median rule).
class PercentilePruner final : public tunelab::Pruner {
 public:
  explicit PercentilePruner(const tunelab::PrunerContext& context);
  tunelab::Decision report(tunelab::TrialId id, int epoch, double value) override;
  void finished(tunelab::TrialId id, tunelab::TrialOutcome::State state) override;

 private:
  /// The percentile of the finished trials' best values after `epoch`, or nothing while fewer
  /// than min_trials of them reached it.
  std::optional<double> threshold(int epoch) const;

  double percentile_ = 25.0;
  int warmupEpochs_ = 1;
  std::size_t minTrials_ = 3;
  std::map<tunelab::TrialId, std::vector<double>> running_;   // best value after each epoch
  std::map<tunelab::TrialId, std::vector<double>> finished_;  // the same, of finished trials
};

}  // namespace example
