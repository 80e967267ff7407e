// The bundled strategies against the plugin kit's strategy contract, and what each promises
// beyond it: grid, random and Hyperband by their own rules, and every strategy that proposes
// points by trial number (random, gp, tpe, nsga2) by one parameterised suite.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <vector>

#include "core/Error.h"
#include "core/Rng.h"
#include "plugins/testing/StrategyContract.h"
#include "search/Enumerate.h"
#include "search/strategies/gp/GpStrategy.h"
#include "search/strategies/grid/GridStrategy.h"
#include "search/strategies/hyperband/HyperbandStrategy.h"
#include "search/strategies/nsga2/Nsga2Strategy.h"
#include "search/strategies/random/RandomStrategy.h"
#include "search/strategies/tpe/TpeStrategy.h"

namespace tunelab {
namespace {

using nlohmann::json;
using testing::StrategyCase;
using testing::StrategyContract;

template <class S>
StrategyFactory factoryOf() {
  return [](const StrategyContext& context) { return std::make_unique<S>(context); };
}

INSTANTIATE_TEST_SUITE_P(
    Bundled, StrategyContract,
    ::testing::Values(
        StrategyCase{"grid", factoryOf<GridStrategy>(), {}, 1, {}, false},
        StrategyCase{"random", factoryOf<RandomStrategy>()},
        // The kit's context says parallel_trials 1, whose default lag is 0.
        StrategyCase{"gp", factoryOf<GpStrategy>(), {{"initial_trials", 4}, {"lag", 1}}},
        StrategyCase{"gp_without_lag", factoryOf<GpStrategy>(), {{"initial_trials", 4}}},
        StrategyCase{"tpe", factoryOf<TpeStrategy>(), {{"initial_trials", 4}, {"lag", 1}}},
        StrategyCase{"tpe_without_lag", factoryOf<TpeStrategy>(), {{"initial_trials", 4}}},
        StrategyCase{"hyperband", factoryOf<HyperbandStrategy>()},
        StrategyCase{"nsga2", factoryOf<Nsga2Strategy>(), {{"population_size", 4}}},
        StrategyCase{"hyperband_lag_two_brackets",
                     factoryOf<HyperbandStrategy>(),
                     {{"lag", 1}, {"brackets", 2}}}),
    testing::CaseName{});

SearchSpace referenceGrid() {
  const json j = json::parse(R"({"nodes": {"values": [16, 32, 64]}, "dropout": {"values": [0, 0.2]},
      "lr": {"values": [0.01, 0.005, 0.001]}, "batch_size": {"values": [32, 64, 128]},
      "hidden_layers": {"value": 2}})");
  return SearchSpace::parse(j, {"hidden_layers", "nodes", "dropout", "lr", "batch_size"});
}

std::vector<TrialSpec> drain(Strategy& strategy, std::size_t batch) {
  std::vector<TrialSpec> all;
  for (;;) {
    AskResult r = strategy.ask(batch);
    if (r.kind != AskResult::Kind::Ready) break;
    for (auto& t : r.trials) {
      strategy.tell({t.id, TrialOutcome::State::Complete, 0.5, 1});
      all.push_back(std::move(t));
    }
  }
  return all;
}

TEST(GridStrategy, CoversTheProductExactlyOnceInFileOrder) {
  const SearchSpace space = referenceGrid();
  GridStrategy grid({&space, json::object(), 1, std::nullopt, 100});
  const auto trials = drain(grid, 4);
  ASSERT_EQ(trials.size(), 54U);
  std::set<std::string> distinct;
  for (const auto& t : trials) distinct.insert(t.params.dump());
  EXPECT_EQ(distinct.size(), 54U);
  // First parameter varies slowest, last fastest.
  EXPECT_EQ(trials[0].params["batch_size"], 32);
  EXPECT_EQ(trials[1].params["batch_size"], 64);
  EXPECT_EQ(trials[0].params["nodes"], 16);
  EXPECT_EQ(trials[53].params["nodes"], 64);
  EXPECT_EQ(trials[0].params["hidden_layers"], 2);
  for (std::size_t i = 0; i < trials.size(); ++i) EXPECT_EQ(trials[i].id, TrialId(i));
}

TEST(GridStrategy, ResumedFromSavedStateAsksTheSameRemainingTrials) {
  const SearchSpace space = referenceGrid();
  GridStrategy a({&space, json::object(), 1, std::nullopt, 100});
  a.ask(10);
  GridStrategy b({&space, json::object(), 1, std::nullopt, 100});
  b.loadState(a.saveState());
  const auto restA = drain(a, 3);
  const auto restB = drain(b, 3);
  ASSERT_EQ(restA.size(), 44U);
  for (std::size_t i = 0; i < restA.size(); ++i) EXPECT_EQ(restA[i].params, restB[i].params);
}

TEST(RandomStrategy, IsReproducibleDuplicateFreeAndEndsWhenTheSpaceIsExhausted) {
  const SearchSpace space = referenceGrid();
  RandomStrategy a({&space, json::object(), 7, std::nullopt, 100});
  RandomStrategy b({&space, json::object(), 7, std::nullopt, 100});
  RandomStrategy c({&space, json::object(), 8, std::nullopt, 100});
  const auto ta = drain(a, 1);
  const auto tb = drain(b, 5);
  const auto tc = drain(c, 1);
  ASSERT_EQ(ta.size(), 54U);
  std::set<std::string> distinct;
  bool differs = false;
  for (std::size_t i = 0; i < ta.size(); ++i) {
    EXPECT_EQ(ta[i].params, tb[i].params);
    differs = differs || ta[i].params != tc[i].params;
    distinct.insert(ta[i].params.dump());
  }
  EXPECT_EQ(distinct.size(), 54U);
  EXPECT_TRUE(differs) << "another seed must give another order";
}

TEST(RandomStrategy, ResumesExactlyOnAContinuousSpace) {
  const json j =
      json::parse(R"({"lr": {"min": 1e-4, "max": 1e-1, "distribution": "log_uniform"}})");
  const SearchSpace space = SearchSpace::parse(j, {"lr"});
  RandomStrategy a({&space, json::object(), 3, 20, 100});
  a.ask(7);
  RandomStrategy b({&space, json::object(), 3, 20, 100});
  b.loadState(json::parse(a.saveState().dump()));
  const auto restA = drain(a, 2);
  const auto restB = drain(b, 2);
  ASSERT_EQ(restA.size(), 13U);
  for (std::size_t i = 0; i < restA.size(); ++i) {
    EXPECT_EQ(restA[i].params, restB[i].params);
    EXPECT_EQ(restA[i].id, restB[i].id);
  }
}

TEST(RandomStrategy, ContinuousSpaceWithoutMaxTrialsIsAnError) {
  const json j = json::parse(R"({"lr": {"min": 0.1, "max": 1}})");
  const SearchSpace space = SearchSpace::parse(j, {"lr"});
  const StrategyContext context{&space, json::object(), 3, std::nullopt, 100};
  EXPECT_THROW(RandomStrategy{context}, ConfigError);
}

TEST(HyperbandStrategy, RungBudgetsGrowByEtaUpToMaxEpochs) {
  const SearchSpace space = referenceGrid();
  HyperbandStrategy hb({&space, json{{"min_epochs", 4}, {"eta", 3}}, 1, std::nullopt, 100});
  EXPECT_EQ(hb.budgets(), (std::vector<int>{4, 12, 36, 100}));
}

TEST(HyperbandStrategy, BracketsStartTheirTrialsAtLargerBudgetsInTurn) {
  const SearchSpace space = referenceGrid();
  HyperbandStrategy hb(
      {&space, json{{"min_epochs", 4}, {"eta", 3}, {"brackets", 3}}, 1, std::nullopt, 100});
  ASSERT_EQ(hb.brackets(), 3U);
  EXPECT_EQ(hb.budgets(1), (std::vector<int>{12, 36, 100}));
  EXPECT_EQ(hb.budgets(2), (std::vector<int>{36, 100}));
  AskResult r = hb.ask(6);
  ASSERT_EQ(r.trials.size(), 6U);
  const std::vector<int> starts{4, 12, 36, 4, 12, 36};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(r.trials[i].budget, starts[i]);
}

TEST(HyperbandStrategy, PromotesTheBestThirdOfARungFromTheirCheckpoints) {
  const SearchSpace space = referenceGrid();
  HyperbandStrategy hb({&space, json{{"min_epochs", 1}, {"eta", 3}}, 5, std::nullopt, 9});
  // Nine configurations in rung 0 (budget 1), told values 9, 8, ..., 1 in order.
  AskResult first = hb.ask(9);
  ASSERT_EQ(first.trials.size(), 9U);
  for (const auto& t : first.trials) {
    EXPECT_EQ(t.budget, 1);
    EXPECT_FALSE(t.resumeFrom.has_value());
  }
  for (std::size_t i = 0; i < 9; ++i) {
    hb.tell({first.trials[i].id, TrialOutcome::State::Complete, 9.0 - static_cast<double>(i), 1});
  }
  // The best third (values 1, 2, 3: trials 8, 7, 6) go to rung 1 (budget 3), best first.
  AskResult next = hb.ask(3);
  ASSERT_EQ(next.trials.size(), 3U);
  const std::vector<TrialId> expected{first.trials[8].id, first.trials[7].id, first.trials[6].id};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(next.trials[i].budget, 3);
    ASSERT_TRUE(next.trials[i].resumeFrom.has_value());
    EXPECT_EQ(*next.trials[i].resumeFrom, expected[i]);
    EXPECT_EQ(next.trials[i].params, first.trials[8 - i].params);
  }
  // Rung 1 told: the best of its three (1/3 of 3) goes to the last rung (budget 9).
  hb.tell({next.trials[0].id, TrialOutcome::State::Complete, 0.7, 3});
  hb.tell({next.trials[1].id, TrialOutcome::State::Complete, 0.2, 3});
  hb.tell({next.trials[2].id, TrialOutcome::State::Complete, 0.9, 3});
  AskResult top = hb.ask(1);
  ASSERT_EQ(top.trials.size(), 1U);
  EXPECT_EQ(top.trials[0].budget, 9);
  EXPECT_EQ(*top.trials[0].resumeFrom, next.trials[1].id);
}

TEST(HyperbandStrategy, ResumesExactlyFromSavedState) {
  const SearchSpace space = referenceGrid();
  const StrategyContext context{&space, json{{"min_epochs", 2}}, 3, std::nullopt, 18};
  HyperbandStrategy a(context);
  AskResult asked = a.ask(12);
  for (const auto& t : asked.trials) {
    a.tell({t.id, TrialOutcome::State::Complete, static_cast<double>((t.id * 7) % 12), 2});
  }
  HyperbandStrategy b(context);
  b.loadState(json::parse(a.saveState().dump()));
  for (int i = 0; i < 6; ++i) {
    AskResult ra = a.ask(1);
    AskResult rb = b.ask(1);
    ASSERT_EQ(ra.trials.size(), 1U);
    ASSERT_EQ(rb.trials.size(), 1U);
    EXPECT_EQ(ra.trials[0].id, rb.trials[0].id);
    EXPECT_EQ(ra.trials[0].params, rb.trials[0].params);
    EXPECT_EQ(ra.trials[0].resumeFrom, rb.trials[0].resumeFrom);
    a.tell({ra.trials[0].id, TrialOutcome::State::Complete, 1.0 / (i + 1), 2});
    b.tell({rb.trials[0].id, TrialOutcome::State::Complete, 1.0 / (i + 1), 2});
  }
}

// Runs Hyperband with `parallel` trials in flight; each time a random one of them finishes.
// A trial's value depends on its configuration and budget only. Returns every trial as
// "params budget parent" by trial number.
std::map<TrialId, std::string> driveHyperband(const json& options, std::size_t parallel,
                                              std::uint64_t order) {
  const SearchSpace space = referenceGrid();
  HyperbandStrategy hb({&space, options, 5, std::nullopt, 9});
  Rng pick(order);
  std::map<TrialId, std::string> trials;
  std::vector<TrialSpec> running;
  for (;;) {
    if (running.size() < parallel) {
      for (auto& t : hb.ask(parallel - running.size()).trials) {
        trials[t.id] = t.params.dump() + " " + std::to_string(t.budget) + " " +
                       std::to_string(t.resumeFrom.value_or(-1));
        running.push_back(std::move(t));
      }
    }
    if (running.empty()) break;
    const auto i =
        static_cast<std::size_t>(pick.uniformDouble() * static_cast<double>(running.size()));
    const auto& t = running[i];
    const double value = std::hash<std::string>{}(t.params.dump()) % 1000 / (1.0 + t.budget);
    hb.tell({t.id, TrialOutcome::State::Complete, value, t.budget});
    running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return trials;
}

TEST(HyperbandStrategy, WithALagTrialsDoNotDependOnHowManyRunAtOnce) {
  const json options{{"min_epochs", 1}, {"eta", 3}, {"lag", 1}};
  const auto sequential = driveHyperband(options, 1, 1);
  EXPECT_GT(sequential.size(), 54U);  // the 54 configurations and their promotions
  EXPECT_EQ(driveHyperband(options, 2, 1), sequential);
  EXPECT_EQ(driveHyperband(options, 2, 2), sequential);
  EXPECT_EQ(driveHyperband(options, 3, 3), sequential);
  // Without a lag, promotions follow the order trials finish in.
  const json asynchronous{{"min_epochs", 1}, {"eta", 3}};
  EXPECT_NE(driveHyperband(asynchronous, 2, 1), driveHyperband(asynchronous, 1, 1));
}

// Every strategy that proposes points (rather than a fixed grid) by trial number, on what the
// kit's StrategyContract leaves open (it checks resumes, repeats and max_trials): parameters
// within their bounds and active only under their condition, trials independent of how many
// run at once (with a lag), every point of a finite space before Exhausted, and the seed.
class PointStrategy : public ::testing::TestWithParam<const char*> {
 protected:
  std::unique_ptr<Strategy> make(const SearchSpace& space, json options, std::uint64_t seed,
                                 std::optional<std::size_t> trials) const {
    const StrategyContext context{&space, std::move(options), seed, trials, 1};
    const std::string name = GetParam();
    if (name == "nsga2") {
      // Small generations, so that several of them breed within these studies' budgets.
      return std::make_unique<Nsga2Strategy>(
          StrategyContext{&space, json{{"population_size", 4}}, seed, trials, 1});
    }
    if (name == "gp") return std::make_unique<GpStrategy>(context);
    if (name == "tpe") return std::make_unique<TpeStrategy>(context);
    return std::make_unique<RandomStrategy>(context);
  }
};

SearchSpace conditionalMixedSpace() {
  return SearchSpace::parse(json::parse(R"({"opt": {"values": ["sgd", "adam"]},
      "lr": {"min": 1e-4, "max": 1e-1, "distribution": "log_uniform"},
      "momentum": {"min": 0.0, "max": 0.99, "when": {"opt": "sgd"}},
      "units": {"min": 4, "max": 64, "distribution": "int_log_uniform"}, "depth": {"value": 2}})"),
                            {"opt", "lr", "momentum", "units", "depth"});
}

double contractValue(const json& p) {
  const double branch = p["opt"] == "sgd" ? std::abs(p["momentum"].get<double>() - 0.9) : 0.2;
  return branch + std::abs(std::log10(p["lr"].get<double>()) + 2) + p["units"].get<double>() / 64;
}

// Runs a study with `parallel` trials in flight; each time a random one of them finishes
// (`order` picks which). Returns every trial's parameters by trial number.
std::map<TrialId, json> drive(Strategy& strategy, std::size_t parallel, std::uint64_t order) {
  Rng pick(order);
  std::map<TrialId, json> trials;
  std::vector<TrialSpec> running;
  for (;;) {
    if (running.size() < parallel) {
      for (auto& t : strategy.ask(parallel - running.size()).trials) {
        trials[t.id] = t.params;
        running.push_back(std::move(t));
      }
    }
    if (running.empty()) break;
    const auto i =
        static_cast<std::size_t>(pick.uniformDouble() * static_cast<double>(running.size()));
    strategy.tell(
        {running[i].id, TrialOutcome::State::Complete, contractValue(running[i].params), 1});
    running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return trials;
}

TEST_P(PointStrategy, ProposesActiveParametersOnlyWithinTheirBounds) {
  const SearchSpace space = conditionalMixedSpace();
  auto strategy = make(space, json::object(), 3, 30);
  const auto trials = drive(*strategy, 1, 1);
  ASSERT_EQ(trials.size(), 30U);
  std::set<std::string> distinct;
  for (const auto& [id, p] : trials) {
    EXPECT_TRUE(distinct.insert(p.dump()).second) << p.dump();
    EXPECT_EQ(p.contains("momentum"), p["opt"] == "sgd") << p.dump();
    EXPECT_EQ(p["depth"], 2);
    EXPECT_GE(p["lr"].get<double>(), 1e-4);
    EXPECT_LE(p["lr"].get<double>(), 1e-1);
    EXPECT_TRUE(p["units"].is_number_integer());
    EXPECT_GE(p["units"].get<int>(), 4);
    EXPECT_LE(p["units"].get<int>(), 64);
  }
}

TEST_P(PointStrategy, TrialsDoNotDependOnHowManyRunAtOnceOrWhichFinishesFirst) {
  const SearchSpace space = conditionalMixedSpace();
  const json options = std::string(GetParam()) == "random" ? json::object() : json{{"lag", 1}};
  auto sequential = make(space, options, 5, 24);
  const auto expected = drive(*sequential, 1, 1);
  ASSERT_EQ(expected.size(), 24U);
  for (std::uint64_t order : {1, 2}) {
    auto parallel = make(space, options, 5, 24);
    EXPECT_EQ(drive(*parallel, 2, order), expected);
  }
}

// Finite spaces, each exhausted one point at a time: a list beside an integer range (12
// points), and magic_gp.yaml's four lists (54 points; an initial design that gave every list
// the trial's number modulo its length reached 6 of them, and the study ended there).
TEST_P(PointStrategy, ProposesEveryPointOfAFiniteSpaceBeforeItEnds) {
  const std::vector<std::pair<const char*, std::size_t>> spaces = {
      {R"({"a": {"values": [1, 2, 3]}, "b": {"min": 1, "max": 4}})", 12},
      {R"({"a": {"values": [16, 32, 64]}, "b": {"values": [0, 0.2]},
           "c": {"values": [0.01, 0.005, 0.001]}, "d": {"values": [32, 64, 128]}})",
       54}};
  for (const auto& [text, size] : spaces) {
    const json parameters = json::parse(text);
    std::vector<std::string> order;
    for (const auto& [name, p] : parameters.items()) order.push_back(name);
    const SearchSpace space = SearchSpace::parse(parameters, order);
    const bool modelled = std::string(GetParam()) != "random";
    auto strategy =
        make(space, modelled ? json{{"initial_trials", 8}} : json::object(), 4, std::nullopt);
    std::set<std::string> seen;
    for (;;) {
      AskResult r = strategy->ask(2);
      if (r.kind == AskResult::Kind::Exhausted) break;
      ASSERT_EQ(r.kind, AskResult::Kind::Ready);
      for (const auto& t : r.trials) {
        EXPECT_TRUE(seen.insert(t.params.dump()).second) << "proposed twice: " << t.params.dump();
        double value = 1;
        for (const auto& [name, v] : t.params.items()) value *= v.get<double>() + 1;
        strategy->tell({t.id, TrialOutcome::State::Complete, value, 1});
      }
    }
    EXPECT_EQ(seen.size(), size) << text;
  }
}

TEST_P(PointStrategy, AnotherSeedGivesOtherTrials) {
  const SearchSpace space = conditionalMixedSpace();
  auto a = make(space, json::object(), 1, 20);
  auto b = make(space, json::object(), 2, 20);
  EXPECT_NE(drive(*a, 1, 1), drive(*b, 1, 1));
}

INSTANTIATE_TEST_SUITE_P(Bundled, PointStrategy, ::testing::Values("random", "gp", "tpe", "nsga2"));

}  // namespace
}  // namespace tunelab
