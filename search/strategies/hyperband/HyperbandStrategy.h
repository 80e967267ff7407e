#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/Rng.h"
#include "search/PointSampler.h"
#include "search/Strategy.h"

namespace tunelab {

/// Hyperband in its asynchronous form (ASHA, Li et al. 2020) for parallel workers
/// (search.hyperband):
///   min_epochs: 1      budget of the first rung
///   eta: 3             each rung keeps the best 1/eta and trains them eta times longer
///   max_epochs         the last rung's budget (default: train.epochs)
///   brackets: 1        Hyperband's brackets: bracket b starts its trials at
///                      min_epochs * eta^b; new configurations go to the brackets in turn
///   lag: none          with lag L, trial k is decided from the results of trials
///                      0 .. k-L-1 only, so the study does not depend on which trial
///                      finishes first (up to L + 1 trials run at once; more wait). Without
///                      it, promotions use whatever has finished (asynchronous, fastest).
/// New configurations (random, without repeats in a finite space; search.max_trials of them)
/// start in rung 0. Whenever a worker is free, the best trial of the highest rung that has
/// one in its top 1/eta not yet promoted goes up a rung: a new trial that resumes from its
/// checkpoint and trains to the next budget. A trial's value is the best over all its epochs.
class HyperbandStrategy final : public Strategy {
 public:
  explicit HyperbandStrategy(const StrategyContext& context);
  AskResult ask(std::size_t maxTrials) override;
  void tell(const TrialOutcome& outcome) override;
  nlohmann::json saveState() const override;
  void loadState(const nlohmann::json& state) override;

  /// Epochs per rung of bracket `b`.
  const std::vector<int>& budgets(std::size_t b = 0) const { return brackets_.at(b).budgets; }
  std::size_t brackets() const { return brackets_.size(); }

 private:
  struct Entry {
    TrialId id = 0;
    std::size_t config = 0;
    std::optional<double> value;  // set when told (infinity for a failed trial)
    bool promoted = false;
  };
  std::optional<TrialSpec> promotion();
  // Whether every trial before `id - lag` has reported, so that trial `id` can be decided.
  bool resultsKnownFor(TrialId id);
  std::optional<nlohmann::json> newConfig();

  std::size_t maxConfigs_;
  int eta_;
  std::optional<TrialId> lag_;
  struct Bracket {
    std::vector<int> budgets;  // epochs per rung
    std::vector<std::vector<Entry>> rungs;
  };
  std::vector<Bracket> brackets_;

  Rng rng_;
  TrialId nextId_ = 0;
  std::vector<nlohmann::json> configs_;
  PointSampler sampler_;
  std::map<TrialId, std::pair<std::size_t, std::size_t>> rungOf_;  // id -> (bracket, rung)
  std::set<TrialId> reported_;
  TrialId reportedPrefix_ = 0;  // trials 0 .. this-1 have all reported
};

}  // namespace tunelab
