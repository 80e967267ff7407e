#pragma once

#include <optional>

#include "core/Rng.h"
#include "search/PointSampler.h"
#include "search/Strategy.h"

namespace tunelab {

/// Seeded random search. A finite space is drawn without replacement (never a point twice; the
/// strategy ends when every point was drawn); a continuous space draws uniformly in the
/// encoded cube (log scale where declared) until search.max_trials. Its saved state is the
/// number of draws (loading replays them from the seed): a state of every point drawn made
/// each save cost O(trials), a study O(trials^2).
class RandomStrategy final : public Strategy {
 public:
  explicit RandomStrategy(const StrategyContext& context);
  AskResult ask(std::size_t maxTrials) override;
  void tell(const TrialOutcome& /*outcome*/) override {}
  nlohmann::json saveState() const override;
  void loadState(const nlohmann::json& state) override;
  /// Its choices never look at results, so any number of objectives is fine.
  bool searchesSeveralObjectives() const override { return true; }

 private:
  void draw(std::optional<nlohmann::json>& point);

  const SearchSpace& space_;
  std::uint64_t seed_;
  Rng rng_;
  std::size_t limit_;
  std::size_t issued_ = 0;
  std::size_t draws_ = 0;
  std::optional<PointSampler> sampler_;
};

}  // namespace tunelab
