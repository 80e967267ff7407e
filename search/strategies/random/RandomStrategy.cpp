#include "search/strategies/random/RandomStrategy.h"

#include <algorithm>
#include <limits>

#include "core/Error.h"
#include "core/Options.h"
#include "search/Enumerate.h"
#include "search/RngState.h"

namespace tunelab {

RandomStrategy::RandomStrategy(const StrategyContext& context)
    : space_(*context.space),
      rng_(context.seed),
      limit_(context.maxTrials.value_or(std::numeric_limits<std::size_t>::max())),
      finite_(context.space->finite()) {
  Options(context.options, "random strategy").finish();
  if (finite_) {
    remaining_ = enumeratePoints(space_, "random");
    limit_ = std::min(limit_, remaining_.size());
  } else if (!context.maxTrials) {
    throw ConfigError("max_trials", "random search over a continuous space needs max_trials");
  }
}

nlohmann::json RandomStrategy::draw() {
  if (finite_) {
    // Swap-remove a uniformly chosen point: without replacement, O(1) per draw.
    const auto i = static_cast<std::size_t>(rng_.below(remaining_.size()));
    nlohmann::json point = std::move(remaining_[i]);
    remaining_[i] = std::move(remaining_.back());
    remaining_.pop_back();
    return point;
  }
  for (;;) {
    nlohmann::json point = space_.sample(rng_);
    if (seen_.insert(point.dump()).second) return point;
  }
}

AskResult RandomStrategy::ask(std::size_t maxTrials) {
  if (issued_ >= limit_) return {AskResult::Kind::Exhausted, {}};
  AskResult result{AskResult::Kind::Ready, {}};
  for (std::size_t i = 0; i < maxTrials && issued_ < limit_; ++i, ++issued_) {
    result.trials.push_back({static_cast<TrialId>(issued_), draw(), 0, std::nullopt});
  }
  return result;
}

nlohmann::json RandomStrategy::saveState() const {
  return {{"rng", rngStateToJson(rng_.state())},
          {"issued", issued_},
          {"remaining", remaining_},
          {"seen", seen_}};
}

void RandomStrategy::loadState(const nlohmann::json& state) {
  rng_.setState(rngStateFromJson(state.at("rng")));
  issued_ = state.at("issued").get<std::size_t>();
  remaining_ = state.at("remaining").get<std::vector<nlohmann::json>>();
  seen_ = state.at("seen").get<std::set<std::string>>();
}

}  // namespace tunelab
