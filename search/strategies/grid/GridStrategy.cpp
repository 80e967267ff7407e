#include "search/strategies/grid/GridStrategy.h"

#include <algorithm>

#include "core/Options.h"
#include "search/Enumerate.h"

namespace tunelab {

GridStrategy::GridStrategy(const StrategyContext& context)
    : points_(enumeratePoints(*context.space, "grid")) {
  Options(context.options, "grid strategy").finish();
  if (context.maxTrials && *context.maxTrials < points_.size()) points_.resize(*context.maxTrials);
}

AskResult GridStrategy::ask(std::size_t maxTrials) {
  if (next_ == points_.size()) return {AskResult::Kind::Exhausted, {}};
  AskResult result{AskResult::Kind::Ready, {}};
  const std::size_t end = std::min(points_.size(), next_ + maxTrials);
  for (; next_ < end; ++next_) {
    result.trials.push_back({static_cast<TrialId>(next_), points_[next_], 0, std::nullopt});
  }
  return result;
}

nlohmann::json GridStrategy::saveState() const { return {{"next", next_}}; }

void GridStrategy::loadState(const nlohmann::json& state) {
  next_ = std::min(state.at("next").get<std::size_t>(), points_.size());
}

}  // namespace tunelab
