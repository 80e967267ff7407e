#include "search/strategies/random/RandomStrategy.h"

#include <algorithm>
#include <limits>

#include "core/Error.h"
#include "core/Options.h"
#include "search/RngState.h"

namespace tunelab {

RandomStrategy::RandomStrategy(const StrategyContext& context)
    : rng_(context.seed),
      limit_(context.maxTrials.value_or(std::numeric_limits<std::size_t>::max())),
      sampler_(*context.space, "random") {
  Options(context.options, "random strategy").finish();
  if (sampler_.size()) {
    limit_ = std::min(limit_, *sampler_.size());
  } else if (!context.maxTrials) {
    throw ConfigError("max_trials", "random search over a continuous space needs max_trials");
  }
}

AskResult RandomStrategy::ask(std::size_t maxTrials) {
  if (issued_ >= limit_) return {AskResult::Kind::Exhausted, {}};
  AskResult result{AskResult::Kind::Ready, {}};
  for (std::size_t i = 0; i < maxTrials && issued_ < limit_; ++i, ++issued_) {
    auto point = sampler_.draw(rng_);
    if (!point) break;
    result.trials.push_back({static_cast<TrialId>(issued_), std::move(*point), 0, std::nullopt});
  }
  if (result.trials.empty()) return {AskResult::Kind::Exhausted, {}};
  return result;
}

nlohmann::json RandomStrategy::saveState() const {
  nlohmann::json state{{"rng", rngStateToJson(rng_.state())}, {"issued", issued_}};
  sampler_.saveState(state);
  return state;
}

void RandomStrategy::loadState(const nlohmann::json& state) {
  rng_.setState(rngStateFromJson(state.at("rng")));
  issued_ = state.at("issued").get<std::size_t>();
  sampler_.loadState(state);
}

}  // namespace tunelab
