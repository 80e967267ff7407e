#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/Rng.h"
#include "search/Strategy.h"
#include "search/TrialDiagnostics.h"
#include "search/strategies/tpe/ParzenEstimator.h"

namespace tunelab {

/// The tree-structured Parzen estimator (search.tpe; Optuna's TPESampler is the anchor):
///   initial_trials: 10     quasi-random (Halton) trials before the model is used
///   candidates: 24         points drawn from the good trials' density per choice
///   multivariate: true     score the numeric parameters of a group jointly (false: one by one;
///                          categoricals are always scored one by one)
///   prior_weight: 1.0      weight of the prior component of every density
///   lag: parallel_trials - 1 (1 with parallel_trials auto)
/// Trial k is chosen from the results of trials 0 .. k-lag-1; the best ceil(0.1 n) (at most 25)
/// form the good group, the rest and the trials k-lag .. k-1 (still running: the constant
/// liar, as the worst) the bad one, and of `candidates` points drawn from the good density
/// the one with the largest ratio of good to bad density runs. A conditional space splits into
/// groups of parameters active together (those without a condition, then one group per
/// condition, in file order); a group is modelled on the trials where it was active. Choices
/// depend on trial numbers only, so a study gives the same trials however many run at once.
/// No point is proposed twice; a finite space ends when every point ran. The saved state holds
/// the study's diagnostics (TrialDiagnostics).
class TpeStrategy final : public Strategy {
 public:
  explicit TpeStrategy(const StrategyContext& context);
  AskResult ask(std::size_t maxTrials) override;
  void tell(const TrialOutcome& outcome) override;
  nlohmann::json saveState() const override;
  void loadState(const nlohmann::json& state) override;

 private:
  using Group = std::vector<const Parameter*>;
  bool resultsKnownFor(TrialId id);
  std::optional<nlohmann::json> choose(TrialId id);
  nlohmann::json model(TrialId id, Rng& rng) const;
  ParzenPoint bestCandidate(const Group& group, const std::vector<nlohmann::json>& good,
                            const std::vector<nlohmann::json>& bad, Rng& rng) const;
  std::optional<nlohmann::json> randomFresh(Rng& rng) const;
  bool groupActive(const Group& group, const nlohmann::json& assignment) const;
  Rng trialRng(TrialId id) const;

  const SearchSpace& space_;
  std::size_t limit_ = 0;
  std::size_t initialTrials_;
  std::size_t candidates_;
  bool multivariate_;
  double priorWeight_;
  TrialId lag_;
  std::uint64_t seed_;
  std::vector<Group> groups_;
  std::optional<std::size_t> finiteSize_;

  TrialId nextId_ = 0;
  TrialDiagnosticsTally diagnostics_{space_};  // of points_
  std::map<TrialId, nlohmann::json> points_;   // every trial proposed
  std::map<TrialId, double> results_;          // trials reported: value, NaN when failed
  TrialId reportedPrefix_ = 0;                 // trials 0 .. this-1 have all reported
  std::set<std::string> seen_;
};

}  // namespace tunelab
