#pragma once

#include <map>
#include <vector>

#include "search/Pruner.h"

namespace tunelab {

/// The median stopping rule (W&B's and Optuna's MedianPruner): after `warmup_epochs` epochs,
/// and once `min_trials` finished trials have reached an epoch, stop a trial whose best value
/// so far is worse than the median of those trials' best values so far at that epoch.
class MedianPruner final : public Pruner {
 public:
  explicit MedianPruner(const PrunerContext& context);
  Decision report(TrialId id, int epoch, double value) override;
  void finished(TrialId id, TrialOutcome::State state) override;

 private:
  int warmupEpochs_ = 5;
  int minTrials_ = 5;
  std::map<TrialId, std::vector<double>> running_;   // best value so far after each epoch
  std::map<TrialId, std::vector<double>> finished_;  // the same, of finished trials
};

}  // namespace tunelab
