#pragma once

#include <set>
#include <string>

#include "core/Rng.h"
#include "search/Strategy.h"

namespace tunelab {

/// Seeded random search. A finite space is drawn without replacement (never a point twice; the
/// strategy ends when every point was drawn); a continuous space draws uniformly in the
/// encoded cube (log scale where declared) until search.max_trials.
class RandomStrategy final : public Strategy {
 public:
  explicit RandomStrategy(const StrategyContext& context);
  AskResult ask(std::size_t maxTrials) override;
  void tell(const TrialOutcome& /*outcome*/) override {}
  nlohmann::json saveState() const override;
  void loadState(const nlohmann::json& state) override;

 private:
  nlohmann::json draw();

  const SearchSpace& space_;
  Rng rng_;
  std::size_t limit_;
  std::size_t issued_ = 0;
  std::vector<nlohmann::json> remaining_;  // finite spaces: the points not drawn yet
  bool finite_;
  std::set<std::string> seen_;  // continuous spaces: points drawn, to never repeat one
};

}  // namespace tunelab
