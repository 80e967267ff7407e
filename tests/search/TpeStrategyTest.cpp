// The TPE strategy: finds minima faster than random search in continuous, mixed and
// conditional spaces, scores finite values as the trial that will run, models each
// conditional branch on the trials that took it, and refuses unknown options.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "core/Error.h"
#include "search/strategies/random/RandomStrategy.h"
#include "search/strategies/tpe/ParzenEstimator.h"
#include "search/strategies/tpe/TpeStrategy.h"

namespace tunelab {
namespace {

using nlohmann::json;

SearchSpace mixedSpace() {
  return SearchSpace::parse(json::parse(R"({"x": {"min": -1.0, "max": 1.0},
      "lr": {"min": 1e-5, "max": 1.0, "distribution": "log_uniform"},
      "n": {"min": 1, "max": 20}, "kind": {"values": ["a", "b", "c"]}})"),
                            {"x", "lr", "n", "kind"});
}

double mixedObjective(const json& p) {
  const double offset = p["kind"] == "b" ? 0.0 : 0.5;
  return std::pow(p["x"].get<double>() - 0.3, 2) +
         std::pow(std::log10(p["lr"].get<double>()) + 3, 2) / 10 +
         std::pow((p["n"].get<double>() - 7) / 5, 2) + offset;
}

double bestAfter(Strategy& strategy, int trials, double (*f)(const json&)) {
  double best = 1e300;
  for (int i = 0; i < trials; ++i) {
    AskResult r = strategy.ask(1);
    if (r.kind != AskResult::Kind::Ready) break;
    const double v = f(r.trials[0].params);
    best = std::min(best, v);
    strategy.tell({r.trials[0].id, TrialOutcome::State::Complete, v, 1});
  }
  return best;
}

TEST(TpeStrategy, FindsAMixedSpacesMinimumBetterThanRandomSearchOverSeeds) {
  const SearchSpace space = mixedSpace();
  int wins = 0;
  std::vector<double> tpeBest;
  for (std::uint64_t seed = 1; seed <= 7; ++seed) {
    TpeStrategy tpe({&space, json::object(), seed, 60, 1});
    RandomStrategy random({&space, json::object(), seed, 60, 1});
    tpeBest.push_back(bestAfter(tpe, 60, mixedObjective));
    if (tpeBest.back() < bestAfter(random, 60, mixedObjective)) ++wins;
  }
  EXPECT_GE(wins, 6);
  // Every study finds the right category (the others cost 0.5) and comes close to its optimum.
  EXPECT_LT(*std::max_element(tpeBest.begin(), tpeBest.end()), 0.1);
}

TEST(TpeStrategy, AFiniteValueScoresTheSameAsTheTrialItBecomes) {
  const SearchSpace space = mixedSpace();
  const std::vector<const Parameter*> n{space.find("n")};
  const std::vector<ParzenPoint> observed{{n[0]->encode(3)}, {n[0]->encode(4)}, {n[0]->encode(9)}};
  const ParzenEstimator density(n, observed, 1.0);
  Rng rng(3);
  for (int i = 0; i < 50; ++i) {
    const ParzenPoint drawn = density.sample(rng);
    json trial = json::object();
    addParzenPoint(n, drawn, trial);
    EXPECT_DOUBLE_EQ(density.logDensity(drawn), density.logDensity(toParzenPoint(n, trial)));
    // Anywhere inside the value's bin scores as the value.
    EXPECT_DOUBLE_EQ(density.logDensity({drawn[0] + 0.01}),
                     density.logDensity(toParzenPoint(n, trial)));
  }
}

SearchSpace branchSpace() {
  return SearchSpace::parse(json::parse(R"({"opt": {"values": ["sgd", "adam"]},
      "momentum": {"min": 0.0, "max": 1.0, "when": {"opt": "sgd"}},
      "beta": {"min": 0.0, "max": 1.0, "when": {"opt": "adam"}}})"),
                            {"opt", "momentum", "beta"});
}

double branchObjective(const json& p) {
  if (p["opt"] == "sgd") return 1.0 + std::abs(p["momentum"].get<double>() - 0.5);
  return std::abs(p["beta"].get<double>() - 0.8);
}

TEST(TpeStrategy, ModelsEachConditionalBranchOnTheTrialsThatTookIt) {
  const SearchSpace space = branchSpace();
  TpeStrategy tpe({&space, json::object(), 5, 50, 1});
  int adamLate = 0;
  for (int i = 0; i < 50; ++i) {
    const TrialSpec t = tpe.ask(1).trials.at(0);
    EXPECT_EQ(t.params.contains("momentum"), t.params["opt"] == "sgd") << t.params.dump();
    EXPECT_EQ(t.params.contains("beta"), t.params["opt"] == "adam") << t.params.dump();
    if (i >= 30 && t.params["opt"] == "adam") ++adamLate;
    tpe.tell({t.id, TrialOutcome::State::Complete, branchObjective(t.params), 1});
  }
  EXPECT_GE(adamLate, 15);  // the better branch, once the model knows it
}

TEST(TpeStrategy, TrialsRunningAtOnceAreDifferentPoints) {
  const SearchSpace space = mixedSpace();
  TpeStrategy tpe({&space, json{{"lag", 3}, {"initial_trials", 4}}, 2, 40, 1});
  std::set<std::string> seen;
  for (int round = 0; round < 8; ++round) {
    AskResult r = tpe.ask(4);
    ASSERT_EQ(r.kind, AskResult::Kind::Ready);
    for (const auto& t : r.trials) EXPECT_TRUE(seen.insert(t.params.dump()).second);
    for (const auto& t : r.trials)
      tpe.tell({t.id, TrialOutcome::State::Complete, mixedObjective(t.params), 1});
  }
}

TEST(TpeStrategy, UnknownOptionsAndAContinuousSpaceWithoutMaxTrialsAreErrors) {
  const SearchSpace space = mixedSpace();
  EXPECT_THROW(TpeStrategy({&space, json{{"candidate", 10}}, 1, 10, 1}), ConfigError);
  EXPECT_THROW(TpeStrategy({&space, json::object(), 1, std::nullopt, 1}), ConfigError);
}

}  // namespace
}  // namespace tunelab
