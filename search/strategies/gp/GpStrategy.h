#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/Rng.h"
#include "search/Strategy.h"
#include "search/strategies/gp/Acquisition.h"
#include "search/strategies/gp/GaussianProcess.h"

namespace tunelab {

/// Bayesian optimisation with a Gaussian process (search.gp):
///   initial_trials: 10       quasi-random (Halton) design before the model is used
///   acquisition: log_ei      log_ei | ucb | pi
///   kappa: 2.0               exploration weight of ucb
///   candidates: 1024         quasi-random candidates per ask, the best few refined locally
///   restarts: 2              random restarts of the hyperparameter search (plus a warm start
///                            from the last ask's), while there are fewer than 100 observations
///   lag: 1                   trial k is chosen from the results of trials 0 .. k-lag-1 only
/// Trials k-lag .. k-1 count as observed at the model's prediction for them (a liar whose lie
/// is the posterior mean: the kriging believer), so trials running at once spread out. Which
/// results a choice sees depends on the trial number only, never on which trial happened to finish
/// first, so a study gives the same trials however many run at once (up to lag + 1 run in parallel;
/// more wait). Failed trials are never proposed again and do not enter the model; a point already
/// proposed is never proposed again.
class GpStrategy final : public Strategy {
 public:
  explicit GpStrategy(const StrategyContext& context);
  AskResult ask(std::size_t maxTrials) override;
  void tell(const TrialOutcome& outcome) override;
  nlohmann::json saveState() const override;
  void loadState(const nlohmann::json& state) override;

 private:
  std::vector<double> propose(TrialId id);
  // Whether every trial before `id - lag` has reported, so that trial `id` can be chosen.
  bool resultsKnownFor(TrialId id);
  std::vector<double> initialPoint();
  std::vector<double> freshInitialPoint();  // empty when none is left
  bool fresh(const nlohmann::json& point) const { return !seen_.contains(point.dump()); }

  const SearchSpace& space_;
  std::size_t limit_;
  std::size_t initialTrials_;
  AcquisitionKind acquisition_;
  double kappa_;
  std::size_t candidates_;
  int restarts_;
  TrialId lag_;
  std::uint64_t seed_;

  Rng rng_;
  std::uint64_t haltonIndex_ = 0;
  TrialId nextId_ = 0;
  std::map<TrialId, std::vector<double>> points_;  // every trial proposed (encoded)
  std::map<TrialId, double> results_;              // trials reported: value, NaN when failed
  TrialId reportedPrefix_ = 0;                     // trials 0 .. this-1 have all reported
  std::set<std::string> seen_;
  GpHyperparameters hyper_;
  std::optional<std::size_t> finiteSize_;
};

}  // namespace tunelab
