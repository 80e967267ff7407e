// The GP strategy's contract: no point twice, exhausts a finite space, resumes exactly, and
// finds a minimum faster than random search.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "core/Rng.h"
#include "search/strategies/gp/GpStrategy.h"
#include "search/strategies/random/RandomStrategy.h"

namespace tunelab {
namespace {

using nlohmann::json;

double quadratic(const json& p) {
  const double x = p["x"].get<double>();
  const double y = p["y"].get<double>();
  return (x - 0.3) * (x - 0.3) + (y + 0.2) * (y + 0.2);
}

SearchSpace continuousSpace() {
  return SearchSpace::parse(
      json::parse(R"({"x": {"min": -1.0, "max": 1.0}, "y": {"min": -1.0, "max": 1.0}})"),
      {"x", "y"});
}

double bestAfter(Strategy& strategy, int trials) {
  double best = 1e9;
  for (int i = 0; i < trials; ++i) {
    AskResult r = strategy.ask(1);
    if (r.kind != AskResult::Kind::Ready) break;
    const double v = quadratic(r.trials[0].params);
    best = std::min(best, v);
    strategy.tell({r.trials[0].id, TrialOutcome::State::Complete, v, 1});
  }
  return best;
}

TEST(GpStrategy, FindsTheMinimumOfASmoothFunctionBetterThanRandomSearch) {
  const SearchSpace space = continuousSpace();
  GpStrategy gp({&space, json::object(), 1, 30, 1});
  RandomStrategy random({&space, json::object(), 1, 30, 1});
  const double gpBest = bestAfter(gp, 30);
  const double randomBest = bestAfter(random, 30);
  EXPECT_LT(gpBest, 1e-3);
  EXPECT_LT(gpBest, randomBest);
}

TEST(GpStrategy, NeverProposesAPointTwiceAndExhaustsAFiniteSpace) {
  const SearchSpace space = SearchSpace::parse(
      json::parse(R"({"a": {"values": [1, 2, 3]}, "b": {"min": 1, "max": 4}})"), {"a", "b"});
  GpStrategy gp({&space, json{{"initial_trials", 3}}, 4, std::nullopt, 1});
  std::set<std::string> seen;
  for (;;) {
    AskResult r = gp.ask(2);
    if (r.kind == AskResult::Kind::Exhausted) break;
    ASSERT_EQ(r.kind, AskResult::Kind::Ready);
    for (const auto& t : r.trials) {
      EXPECT_TRUE(seen.insert(t.params.dump()).second) << "proposed twice: " << t.params.dump();
      gp.tell({t.id, TrialOutcome::State::Complete,
               t.params["a"].get<double>() * t.params["b"].get<double>(), 1});
    }
  }
  EXPECT_EQ(seen.size(), 12U);
}

TEST(GpStrategy, ResumedFromSavedStateProposesWhatAnUninterruptedOneWould) {
  const SearchSpace space = continuousSpace();
  GpStrategy a({&space, json::object(), 9, 25, 1});
  bestAfter(a, 14);
  AskResult pendingA = a.ask(2);  // two trials running when the state is saved
  GpStrategy b({&space, json::object(), 9, 25, 1});
  b.loadState(json::parse(a.saveState().dump()));
  for (const auto& t : pendingA.trials) {
    a.tell({t.id, TrialOutcome::State::Complete, quadratic(t.params), 1});
    b.tell({t.id, TrialOutcome::State::Complete, quadratic(t.params), 1});
  }
  for (int i = 0; i < 5; ++i) {
    AskResult ra = a.ask(1);
    AskResult rb = b.ask(1);
    ASSERT_EQ(ra.trials.size(), 1U);
    ASSERT_EQ(rb.trials.size(), 1U);
    EXPECT_EQ(ra.trials[0].params, rb.trials[0].params);
    a.tell({ra.trials[0].id, TrialOutcome::State::Complete, quadratic(ra.trials[0].params), 1});
    b.tell({rb.trials[0].id, TrialOutcome::State::Complete, quadratic(rb.trials[0].params), 1});
  }
}

TEST(GpStrategy, FailedTrialsAreNotProposedAgainAndDoNotStopTheSearch) {
  const SearchSpace space = continuousSpace();
  GpStrategy gp({&space, json{{"initial_trials", 4}}, 2, 12, 1});
  std::set<std::string> seen;
  int asked = 0;
  for (;;) {
    AskResult r = gp.ask(1);
    if (r.kind != AskResult::Kind::Ready) break;
    const auto& t = r.trials[0];
    EXPECT_TRUE(seen.insert(t.params.dump()).second);
    const bool fail = ++asked % 3 == 0;
    gp.tell({t.id, fail ? TrialOutcome::State::Failed : TrialOutcome::State::Complete,
             fail ? std::nan("") : quadratic(t.params), 1});
  }
  EXPECT_EQ(asked, 12);
}

// Runs a GP search with `parallel` trials in flight; each time, a random one of them finishes
// (`order` picks which). Returns every trial's parameters by trial number.
std::map<TrialId, json> driveInParallel(std::size_t parallel, std::uint64_t order, int total) {
  const SearchSpace space = continuousSpace();
  GpStrategy gp({&space, json{{"initial_trials", 4}}, 5, static_cast<std::size_t>(total), 1});
  Rng pick(order);
  std::map<TrialId, json> trials;
  std::vector<TrialSpec> running;
  for (;;) {
    if (running.size() < parallel) {
      AskResult r = gp.ask(parallel - running.size());
      for (auto& t : r.trials) {
        trials[t.id] = t.params;
        running.push_back(std::move(t));
      }
    }
    if (running.empty()) break;
    const auto i =
        static_cast<std::size_t>(pick.uniformDouble() * static_cast<double>(running.size()));
    gp.tell({running[i].id, TrialOutcome::State::Complete, quadratic(running[i].params), 1});
    running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return trials;
}

TEST(GpStrategy, TrialsDoNotDependOnHowManyRunAtOnceOrWhichFinishesFirst) {
  const auto sequential = driveInParallel(1, 1, 16);
  ASSERT_EQ(sequential.size(), 16U);
  EXPECT_EQ(driveInParallel(2, 1, 16), sequential);
  EXPECT_EQ(driveInParallel(2, 2, 16), sequential);
  EXPECT_EQ(driveInParallel(3, 3, 16), sequential);  // more than lag + 1: the third waits
}

}  // namespace
}  // namespace tunelab
