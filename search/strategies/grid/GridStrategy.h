#pragma once

#include "search/Strategy.h"

namespace tunelab {

/// Every point of the space exactly once, in the file's order (search.max_trials caps it).
class GridStrategy final : public Strategy {
 public:
  explicit GridStrategy(const StrategyContext& context);
  AskResult ask(std::size_t maxTrials) override;
  void tell(const TrialOutcome& /*outcome*/) override {}
  nlohmann::json saveState() const override;
  void loadState(const nlohmann::json& state) override;
  /// Its choices never look at results, so any number of objectives is fine.
  bool searchesSeveralObjectives() const override { return true; }

 private:
  std::vector<nlohmann::json> points_;
  std::size_t next_ = 0;
};

}  // namespace tunelab
