#include "search/strategies/hyperband/HyperbandStrategy.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/Error.h"
#include "core/Options.h"
#include "search/RngState.h"

namespace tunelab {

HyperbandStrategy::HyperbandStrategy(const StrategyContext& context)
    : maxConfigs_(context.maxTrials.value_or(std::numeric_limits<std::size_t>::max())),
      rng_(context.seed),
      sampler_(*context.space, "hyperband") {
  Options o(context.options, "hyperband strategy");
  const auto minEpochs = static_cast<int>(o.integer("min_epochs", 1, {.min = 1, .max = 1e6}));
  eta_ = static_cast<int>(o.integer("eta", 3, {.min = 2, .max = 1000}));
  const auto maxEpochs =
      static_cast<int>(o.integer("max_epochs", context.maxEpochs, {.min = 1, .max = 1e6}));
  const auto brackets = static_cast<std::size_t>(o.integer("brackets", 1, {.min = 1, .max = 100}));
  // No lag by default: ASHA promotes from whatever has finished (the fastest schedule).
  if (o.has("lag")) lag_ = static_cast<TrialId>(o.integer("lag", {.min = 0}));
  o.finish();
  if (minEpochs > maxEpochs) {
    throw ConfigError("hyperband.min_epochs", "min_epochs " + std::to_string(minEpochs) +
                                                  " exceeds max_epochs " +
                                                  std::to_string(maxEpochs));
  }
  // Bracket b starts at min_epochs * eta^b; there are at most as many as rungs.
  for (long long start = minEpochs; brackets_.size() < brackets; start *= eta_) {
    Bracket bracket;
    for (long long e = start; e < maxEpochs; e *= eta_)
      bracket.budgets.push_back(static_cast<int>(e));
    bracket.budgets.push_back(maxEpochs);
    bracket.rungs.resize(bracket.budgets.size());
    brackets_.push_back(std::move(bracket));
    if (start >= maxEpochs) break;
  }
  if (sampler_.size()) {
    maxConfigs_ = std::min(maxConfigs_, *sampler_.size());
  } else if (!context.maxTrials) {
    throw ConfigError("max_trials",
                      "hyperband over a continuous space needs max_trials "
                      "(the number of configurations to start)");
  }
}

bool HyperbandStrategy::resultsKnownFor(TrialId id) {
  if (!lag_) return true;
  while (reported_.contains(reportedPrefix_)) ++reportedPrefix_;
  return reportedPrefix_ >= id - *lag_;
}

std::optional<TrialSpec> HyperbandStrategy::promotion() {
  // With a lag, only the results of trials before this one count.
  const TrialId known = lag_ ? nextId_ - *lag_ : std::numeric_limits<TrialId>::max();
  for (std::size_t b = 0; b < brackets_.size(); ++b) {
    auto& rungs = brackets_[b].rungs;
    // The highest rung first: finishing the most promising trials soonest.
    for (std::size_t k = rungs.size() - 1; k-- > 0;) {
      std::vector<std::size_t> told;  // indices into rungs[k] of trials with a finite value
      for (std::size_t i = 0; i < rungs[k].size(); ++i) {
        const Entry& e = rungs[k][i];
        if (e.id < known && e.value && std::isfinite(*e.value)) told.push_back(i);
      }
      const std::size_t keep = told.size() / static_cast<std::size_t>(eta_);
      if (keep == 0) continue;
      std::stable_sort(told.begin(), told.end(), [&](std::size_t x, std::size_t y) {
        return *rungs[k][x].value < *rungs[k][y].value;
      });
      for (std::size_t i = 0; i < keep; ++i) {
        Entry& entry = rungs[k][told[i]];
        if (entry.promoted) continue;
        entry.promoted = true;
        const TrialId id = nextId_++;
        const std::size_t config = entry.config;
        const TrialId parent = entry.id;
        rungs[k + 1].push_back({id, config, std::nullopt, false});
        rungOf_[id] = {b, k + 1};
        return TrialSpec{id, configs_[config], brackets_[b].budgets[k + 1], parent};
      }
    }
  }
  return std::nullopt;
}

std::optional<nlohmann::json> HyperbandStrategy::newConfig() {
  if (configs_.size() >= maxConfigs_) return std::nullopt;
  return sampler_.draw(rng_);
}

AskResult HyperbandStrategy::ask(std::size_t maxTrials) {
  AskResult result{AskResult::Kind::Ready, {}};
  while (result.trials.size() < maxTrials && resultsKnownFor(nextId_)) {
    if (auto promoted = promotion()) {
      result.trials.push_back(std::move(*promoted));
      continue;
    }
    auto config = newConfig();
    if (!config) break;
    configs_.push_back(std::move(*config));
    const TrialId id = nextId_++;
    const std::size_t b = (configs_.size() - 1) % brackets_.size();
    brackets_[b].rungs[0].push_back({id, configs_.size() - 1, std::nullopt, false});
    rungOf_[id] = {b, 0};
    result.trials.push_back({id, configs_.back(), brackets_[b].budgets[0], std::nullopt});
  }
  if (!result.trials.empty()) return result;
  for (const auto& bracket : brackets_) {
    for (const auto& rung : bracket.rungs) {
      for (const auto& e : rung) {
        if (!e.value) return {AskResult::Kind::Wait, {}};  // a running trial may earn a promotion
      }
    }
  }
  return {AskResult::Kind::Exhausted, {}};
}

void HyperbandStrategy::tell(const TrialOutcome& outcome) {
  auto it = rungOf_.find(outcome.id);
  if (it == rungOf_.end()) return;
  for (auto& e : brackets_[it->second.first].rungs[it->second.second]) {
    if (e.id == outcome.id) {
      // A pruned trial is never promoted: its training stopped short of its rung's budget, and
      // the runner keeps the final checkpoint of complete trials only.
      const bool usable =
          outcome.state == TrialOutcome::State::Complete && std::isfinite(outcome.value);
      e.value = usable ? outcome.value : std::numeric_limits<double>::infinity();
      reported_.insert(outcome.id);
    }
  }
}

nlohmann::json HyperbandStrategy::saveState() const {
  nlohmann::json brackets = nlohmann::json::array();
  for (const auto& bracket : brackets_) {
    nlohmann::json rungs = nlohmann::json::array();
    for (const auto& rung : bracket.rungs) {
      nlohmann::json entries = nlohmann::json::array();
      for (const auto& e : rung) {
        entries.push_back(
            {{"id", e.id},
             {"config", e.config},
             {"value", e.value ? nlohmann::json(std::isfinite(*e.value) ? *e.value : 1e308)
                               : nlohmann::json()},
             {"promoted", e.promoted}});
      }
      rungs.push_back(entries);
    }
    brackets.push_back(rungs);
  }
  nlohmann::json state{{"rng", rngStateToJson(rng_.state())},
                       {"next_id", nextId_},
                       {"configs", configs_},
                       {"brackets", brackets}};
  sampler_.saveState(state);
  return state;
}

void HyperbandStrategy::loadState(const nlohmann::json& state) {
  rng_.setState(rngStateFromJson(state.at("rng")));
  nextId_ = state.at("next_id").get<TrialId>();
  configs_ = state.at("configs").get<std::vector<nlohmann::json>>();
  sampler_.loadState(state);
  rungOf_.clear();
  reported_.clear();
  reportedPrefix_ = 0;
  const auto& brackets = state.at("brackets");
  for (std::size_t b = 0; b < brackets_.size() && b < brackets.size(); ++b) {
    auto& rungs = brackets_[b].rungs;
    for (std::size_t k = 0; k < rungs.size() && k < brackets[b].size(); ++k) {
      rungs[k].clear();
      for (const auto& e : brackets[b][k]) {
        Entry entry{e.at("id").get<TrialId>(), e.at("config").get<std::size_t>(), std::nullopt,
                    e.at("promoted").get<bool>()};
        if (!e.at("value").is_null()) {
          const double v = e.at("value").get<double>();
          entry.value = v >= 1e308 ? std::numeric_limits<double>::infinity() : v;
          reported_.insert(entry.id);
        }
        rungOf_[entry.id] = {b, k};
        rungs[k].push_back(entry);
      }
    }
  }
}

}  // namespace tunelab
