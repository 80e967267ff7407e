// Strategies with one seeded defect each: the kit's strategy contract must fail on them.
#include <memory>

#include "plugins/testing/StrategyContract.h"
#include "search/strategies/grid/GridStrategy.h"
#include "search/strategies/random/RandomStrategy.h"

namespace tunelab {
namespace {

using testing::StrategyContract;

class GivesEveryTrialIdZero final : public Strategy {
 public:
  explicit GivesEveryTrialIdZero(const StrategyContext& context) : grid_(context) {}
  AskResult ask(std::size_t maxTrials) override {
    AskResult result = grid_.ask(maxTrials);
    for (auto& trial : result.trials) trial.id = 0;
    return result;
  }
  void tell(const TrialOutcome& outcome) override { grid_.tell(outcome); }
  nlohmann::json saveState() const override { return grid_.saveState(); }
  void loadState(const nlohmann::json& state) override { grid_.loadState(state); }

 private:
  GridStrategy grid_;
};

// Says Wait instead of Exhausted once its points are all out: with no trial running, the
// runner then ends the study as if exhausted, but a strategy cannot know that.
class WaitsWithNothingRunning final : public Strategy {
 public:
  explicit WaitsWithNothingRunning(const StrategyContext& context) : grid_(context) {}
  AskResult ask(std::size_t maxTrials) override {
    AskResult result = grid_.ask(maxTrials);
    if (result.kind == AskResult::Kind::Exhausted) result.kind = AskResult::Kind::Wait;
    return result;
  }
  void tell(const TrialOutcome& outcome) override { grid_.tell(outcome); }
  nlohmann::json saveState() const override { return grid_.saveState(); }
  void loadState(const nlohmann::json& state) override { grid_.loadState(state); }

 private:
  GridStrategy grid_;
};

// Keeps its generator's draws but not its position after a restart: a resumed study starts
// drawing again from the seed.
class ForgetsItsState final : public Strategy {
 public:
  explicit ForgetsItsState(const StrategyContext& context) : random_(context) {}
  AskResult ask(std::size_t maxTrials) override { return random_.ask(maxTrials); }
  void tell(const TrialOutcome& outcome) override { random_.tell(outcome); }
  nlohmann::json saveState() const override { return random_.saveState(); }
  void loadState(const nlohmann::json& /*state*/) override {}

 private:
  RandomStrategy random_;
};

// Waits while two of its trials run, and draws (and drops) a point each time it says so: how often
// the runner asks then changes what it proposes.
class DrawsWhileWaiting final : public Strategy {
 public:
  explicit DrawsWhileWaiting(const StrategyContext& context) : random_(context) {}
  AskResult ask(std::size_t maxTrials) override {
    if (running_ == 2) {
      random_.ask(1);
      return {AskResult::Kind::Wait, {}};
    }
    AskResult result = random_.ask(maxTrials);
    running_ += result.trials.size();
    return result;
  }
  void tell(const TrialOutcome& outcome) override {
    --running_;
    random_.tell(outcome);
  }
  nlohmann::json saveState() const override {
    nlohmann::json state = random_.saveState();
    state["running"] = running_;
    return state;
  }
  void loadState(const nlohmann::json& state) override {
    random_.loadState(state);
    running_ = state.at("running").get<std::size_t>();
  }

 private:
  RandomStrategy random_;
  std::size_t running_ = 0;
};

template <class S>
StrategyFactory strategyOf() {
  return [](const StrategyContext& context) { return std::make_unique<S>(context); };
}

INSTANTIATE_TEST_SUITE_P(
    Broken, StrategyContract,
    ::testing::Values(
        testing::StrategyCase{
            "gives_every_trial_id_zero", strategyOf<GivesEveryTrialIdZero>(), {}, 1, {}, false},
        testing::StrategyCase{
            "waits_with_nothing_running", strategyOf<WaitsWithNothingRunning>(), {}, 1, {}, false},
        testing::StrategyCase{"forgets_its_state", strategyOf<ForgetsItsState>()},
        testing::StrategyCase{"draws_while_waiting", strategyOf<DrawsWhileWaiting>()}),
    testing::CaseName{});

}  // namespace
}  // namespace tunelab
