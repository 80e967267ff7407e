#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/Rng.h"
#include "search/Strategy.h"

namespace example {

/// Latin hypercube sampling: max_trials points such that, in every dimension, each of the
/// max_trials equal slices of [0, 1] holds exactly one point. Spreads a small budget more
/// evenly than random search. Points that decode to an already-proposed trial are skipped.
class LatinHypercube final : public tunelab::Strategy {
 public:
  explicit LatinHypercube(const tunelab::StrategyContext& context);
  tunelab::AskResult ask(std::size_t maxTrials) override;
  void tell(const tunelab::TrialOutcome& /*outcome*/) override {}
  nlohmann::json saveState() const override;
  void loadState(const nlohmann::json& state) override;

 private:
  std::vector<nlohmann::json> points_;  // the whole design, drawn up front from the seed
  std::size_t next_ = 0;
};

}  // namespace example
