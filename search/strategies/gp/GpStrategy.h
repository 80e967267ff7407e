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
/// Trials still running count as observed at the mean of the observed values (a constant
/// liar), so parallel asks spread out. Failed trials are never proposed again and do not
/// enter the model; a point already proposed is never proposed again.
class GpStrategy final : public Strategy {
 public:
  explicit GpStrategy(const StrategyContext& context);
  AskResult ask(std::size_t maxTrials) override;
  void tell(const TrialOutcome& outcome) override;
  nlohmann::json saveState() const override;
  void loadState(const nlohmann::json& state) override;

 private:
  std::vector<double> propose();
  std::vector<double> initialPoint();
  bool fresh(const nlohmann::json& point) const { return !seen_.contains(point.dump()); }

  const SearchSpace& space_;
  std::size_t limit_;
  std::size_t initialTrials_;
  AcquisitionKind acquisition_;
  double kappa_;
  std::size_t candidates_;
  int restarts_;
  std::uint64_t seed_;

  Rng rng_;
  std::uint64_t haltonIndex_ = 0;
  TrialId nextId_ = 0;
  std::map<TrialId, std::vector<double>> pending_;
  std::vector<std::vector<double>> observedX_;
  std::vector<double> observedY_;
  std::set<std::string> seen_;
  GpHyperparameters hyper_;
  std::optional<std::size_t> finiteSize_;
};

}  // namespace tunelab
