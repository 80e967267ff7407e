#include "search/strategies/random/RandomStrategy.h"

#include <algorithm>
#include <limits>

#include "core/Error.h"
#include "core/Options.h"
#include "search/RngState.h"

namespace tunelab {

RandomStrategy::RandomStrategy(const StrategyContext& context)
    : space_(*context.space),
      seed_(context.seed),
      rng_(context.seed),
      limit_(context.maxTrials.value_or(std::numeric_limits<std::size_t>::max())),
      sampler_(std::in_place, *context.space, "random") {
  Options(context.options, "random strategy").finish();
  if (sampler_->size()) {
    limit_ = std::min(limit_, *sampler_->size());
  } else if (!context.maxTrials) {
    throw ConfigError("max_trials", "random search over a continuous space needs max_trials");
  }
}

AskResult RandomStrategy::ask(std::size_t maxTrials) {
  if (issued_ >= limit_) return {AskResult::Kind::Exhausted, {}};
  AskResult result{AskResult::Kind::Ready, {}};
  for (std::size_t i = 0; i < maxTrials && issued_ < limit_; ++i, ++issued_) {
    std::optional<nlohmann::json> point;
    draw(point);
    if (!point) break;
    result.trials.push_back({static_cast<TrialId>(issued_), std::move(*point), 0, std::nullopt});
  }
  if (result.trials.empty()) return {AskResult::Kind::Exhausted, {}};
  return result;
}

void RandomStrategy::draw(std::optional<nlohmann::json>& point) {
  point = sampler_->draw(rng_);
  ++draws_;
}

nlohmann::json RandomStrategy::saveState() const {
  return {{"issued", issued_}, {"draws", draws_}};
}

void RandomStrategy::loadState(const nlohmann::json& state) {
  issued_ = state.at("issued").get<std::size_t>();
  if (!state.contains("draws")) {  // saved before states were replayed: every point drawn
    rng_.setState(rngStateFromJson(state.at("rng")));
    sampler_->loadState(state);
    return;
  }
  // The same draws from the same seed: the same points drawn, the same generator after them.
  rng_ = Rng(seed_);
  sampler_.emplace(space_, "random");
  const auto draws = state.at("draws").get<std::size_t>();
  std::optional<nlohmann::json> point;
  for (draws_ = 0; draws_ < draws;) draw(point);
}

}  // namespace tunelab
