#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/Rng.h"
#include "search/Strategy.h"
#include "search/TrialDiagnostics.h"
#include "search/strategies/gp/Acquisition.h"
#include "search/strategies/gp/AcquisitionSearch.h"
#include "search/strategies/gp/CandidateScorer.h"
#include "search/strategies/gp/GaussianProcess.h"

namespace tunelab {

/// Bayesian optimisation with a Gaussian process (search.gp):
///   initial_trials: 2 (d + 1), at least 6 and at most 20 (d: parameters searched)
///                            a Halton design, categories in equal shares, before the model
///   acquisition: log_ei      log_ei | ucb | pi
///   kappa: 2.0               exploration weight of ucb
///   candidates: 1024         quasi-random candidates per ask, plus points around the best
///                            trials; the best refined over continuous coordinates and over
///                            discrete neighbours (other categories, nearby integers)
///   restarts: 2              random restarts of the hyperparameter search (plus a warm start
///                            from the last fit's), while there are fewer than 100 observations
///   refit_growth: 0.1        hyperparameters refitted once the results have grown by this
///                            share (at least one) since the last fit; between fits the model
///                            takes in new results with the same hyperparameters, extending
///                            its Cholesky factor (O(n^2) a result). 0: refit at every ask
///   output_warping: true     a Yeo-Johnson transform of the results (OutputWarp.h)
///   trust_region: true       continuous coordinates searched in a box around the best trial
///                            (TuRBO's rule: side 0.8 of the cube, doubled after 3 improvements
///                            in a row, halved after max(4, d) trials without one; when it
///                            falls below 1/64 one trial searches the whole cube and the box
///                            starts again), replayed from the results in trial order
///   lag: parallel_trials - 1 (1 with parallel_trials auto): trial k is chosen from the
///                            results of trials 0 .. k-lag-1 only
/// Trials k-lag .. k-1 count as observed at the model's prediction for them (a liar whose lie
/// is the posterior mean: the kriging believer), so trials running at once spread out. Which
/// results a choice sees depends on the trial number only, never on which trial happened to
/// finish first, so a study gives the same trials however many run at once (up to lag + 1 run
/// in parallel; more wait). Every candidate is scored as the trial it becomes (integers and
/// categories at their values, inactive parameters out of the kernel's distance). Failed
/// trials are never proposed again and do not enter the model; a point already proposed, or
/// within 1e-3 of one, is not proposed again. The saved state holds the study's diagnostics
/// (TrialDiagnostics: trials on a box edge, near-duplicates, discrete values tried).
class GpStrategy final : public Strategy {
 public:
  explicit GpStrategy(const StrategyContext& context);
  AskResult ask(std::size_t maxTrials) override;
  void tell(const TrialOutcome& outcome) override;
  nlohmann::json saveState() const override;
  void loadState(const nlohmann::json& state) override;

 private:
  std::vector<double> propose(TrialId id);
  // Fits the model to trials 0 .. id-lag-1 and the believed values of id-lag .. id-1; returns
  // the lowest (warped) result, the incumbents and whether there was enough to fit.
  bool fitModel(TrialId id, double& best, std::vector<EncodedPoint>& incumbents);
  // Whether the hyperparameters are due for a refit with `observations` results.
  bool refitDue(std::size_t observations) const;
  // The trust region of trial `id` around `centre`; the whole cube when it is off or restarts.
  SearchBox trustRegion(TrialId id, const EncodedPoint& centre) const;
  // Whether every trial before `id - lag` has reported, so that trial `id` can be chosen.
  bool resultsKnownFor(TrialId id);
  std::vector<double> initialPoint();
  std::vector<double> freshInitialPoint();  // empty when none is left
  bool fresh(const nlohmann::json& point) const { return !seen_.contains(point.dump()); }
  bool nearAProposedTrial(const nlohmann::json& point) const;

  const SearchSpace& space_;
  std::size_t limit_ = 0;
  std::size_t initialTrials_;
  AcquisitionKind acquisition_;
  double kappa_;
  std::size_t candidates_;
  int restarts_;
  double refitGrowth_;
  bool warp_;
  bool trustRegion_;
  TrialId lag_;
  std::uint64_t seed_;

  Rng rng_;
  std::uint64_t haltonIndex_ = 0;
  TrialId nextId_ = 0;
  std::map<TrialId, EncodedPoint> points_;  // every trial proposed (encoded)
  std::vector<nlohmann::json> proposed_;    // every trial proposed, in order
  TrialDiagnosticsTally diagnostics_{space_};
  std::map<TrialId, double> results_;  // trials reported: value, NaN when failed
  TrialId reportedPrefix_ = 0;         // trials 0 .. this-1 have all reported
  std::set<std::string> seen_;
  GpHyperparameters hyper_;
  std::size_t hyperFittedOn_ = 0;  // results the hyperparameters were fitted to (0: none yet)
  // Conditioned on the last ask's data; kept only to extend its factor (derivable from the
  // saved state: the same hyperparameters and points give the same model bit for bit).
  GaussianProcess model_;
  std::optional<std::size_t> finiteSize_;
};

}  // namespace tunelab
