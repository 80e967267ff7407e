// NSGA-II: its elite selection on a hand-worked example, its trials independent of how many run
// at once for several objectives, and on ZDT1 (two objectives, a known front) a hypervolume well
// above random search's at the same budget.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

#include "core/Rng.h"
#include "search/Hypervolume.h"
#include "search/strategies/nsga2/EliteSelection.h"
#include "search/strategies/nsga2/Nsga2Strategy.h"
#include "search/strategies/random/RandomStrategy.h"

namespace tunelab {
namespace {

using nlohmann::json;

constexpr std::size_t kZdtDimensions = 6;

std::string coordinate(std::size_t i) {
  std::string name = std::to_string(i);
  name.insert(name.begin(), 'x');
  return name;
}

SearchSpace zdtSpace() {
  json parameters = json::object();
  std::vector<std::string> order;
  for (std::size_t i = 0; i < kZdtDimensions; ++i) {
    order.push_back(coordinate(i));
    parameters[order.back()] = {{"min", 0.0}, {"max", 1.0}};
  }
  return SearchSpace::parse(parameters, order);
}

// ZDT1: f1 = x0, f2 = g (1 - sqrt(f1 / g)), g = 1 + 9 mean(x1..); the front is g = 1.
std::vector<double> zdt1(const json& p) {
  double sum = 0;
  for (std::size_t i = 1; i < kZdtDimensions; ++i) sum += p[coordinate(i)].get<double>();
  const double f1 = p["x0"].get<double>();
  const double g = 1 + 9 * sum / (kZdtDimensions - 1);
  return {f1, g * (1 - std::sqrt(f1 / g))};
}

// Runs a study with `parallel` trials in flight, each time a random one of them finishing.
// Returns every trial's parameters and objectives by trial number.
std::map<TrialId, std::pair<json, std::vector<double>>> drive(Strategy& strategy,
                                                              std::size_t parallel,
                                                              std::uint64_t order) {
  Rng pick(order);
  std::map<TrialId, std::pair<json, std::vector<double>>> trials;
  std::vector<TrialSpec> running;
  for (;;) {
    if (running.size() < parallel) {
      for (auto& t : strategy.ask(parallel - running.size()).trials) running.push_back(t);
    }
    if (running.empty()) break;
    const auto i = static_cast<std::size_t>(pick.below(running.size()));
    const TrialSpec t = running[i];
    running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
    const auto values = zdt1(t.params);
    strategy.tell({t.id, TrialOutcome::State::Complete, values[0], 1, values});
    trials[t.id] = {t.params, values};
  }
  return trials;
}

double studyHypervolume(Strategy& strategy) {
  ObjectivePoints points;
  for (const auto& [id, trial] : drive(strategy, 1, 1)) points.push_back(trial.second);
  return hypervolume(points, std::vector<double>{1.1, 1.1});
}

TEST(Nsga2Strategy, EliteKeepsWholeFrontsThenTheLeastCrowded) {
  // Front 0: trials 1, 2, 3 and 4 (crowding: the ends infinite, 2 is 1.5, 3 is 1.25);
  // front 1: trial 5. Four survivors take front 0; three take its ends and then trial 2.
  std::vector<Individual> pool{{5, {2, 3}}, {1, {0, 4}}, {2, {1, 2}}, {3, {3, 1}}, {4, {4, 0}}};
  const auto four = selectElite(pool, 4);
  ASSERT_EQ(four.size(), 4U);
  for (const auto& individual : four) EXPECT_EQ(individual.rank, 0U);
  const auto three = selectElite(pool, 3);
  ASSERT_EQ(three.size(), 3U);
  EXPECT_EQ(three[0].id, 1);
  EXPECT_EQ(three[1].id, 4);
  EXPECT_EQ(three[2].id, 2);
  EXPECT_DOUBLE_EQ(three[2].crowding, 1.5);
  const auto six = selectElite(pool, 6);
  ASSERT_EQ(six.size(), 5U);
  EXPECT_EQ(six[4].id, 5);
  EXPECT_EQ(six[4].rank, 1U);
}

TEST(Nsga2Strategy, SeveralObjectivesGiveTheSameTrialsHoweverManyRunAtOnce) {
  const SearchSpace space = zdtSpace();
  const StrategyContext context{&space, json{{"population_size", 8}}, 3, 40, 1};
  Nsga2Strategy one(context);
  const auto expected = drive(one, 1, 1);
  ASSERT_EQ(expected.size(), 40U);
  for (std::uint64_t order : {1, 2}) {
    Nsga2Strategy two(context);
    EXPECT_EQ(drive(two, 2, order), expected);
  }
}

TEST(Nsga2Strategy, ResumesExactlyFromItsSavedState) {
  const SearchSpace space = zdtSpace();
  const StrategyContext context{&space, json{{"population_size", 4}}, 5, 20, 1};
  Nsga2Strategy a(context);
  for (auto& t : a.ask(4).trials) {
    const auto values = zdt1(t.params);
    a.tell({t.id, TrialOutcome::State::Complete, values[0], 1, values});
  }
  a.ask(2);
  Nsga2Strategy b(context);
  b.loadState(json::parse(a.saveState().dump()));
  EXPECT_EQ(a.saveState(), b.saveState());
  const auto restA = drive(a, 2, 4);
  const auto restB = drive(b, 2, 4);
  EXPECT_EQ(restA, restB);
}

// Trials fail (a diverged loss, a crash): the study goes on to its budget, also when a whole
// generation failed, and the strategy never asks to wait with nothing running.
TEST(Nsga2Strategy, FailedTrialsAndAWhollyFailedGenerationDoNotEndTheSearch) {
  const SearchSpace space = zdtSpace();
  for (const bool allFail : {false, true}) {
    Nsga2Strategy strategy({&space, json{{"population_size", 4}}, 7, 16, 1});
    std::size_t told = 0;
    for (;;) {
      const AskResult asked = strategy.ask(1);
      if (asked.kind == AskResult::Kind::Exhausted) break;
      ASSERT_EQ(asked.kind, AskResult::Kind::Ready) << "waits with nothing running";
      const TrialSpec& t = asked.trials.at(0);
      if (allFail || t.id % 2 == 0) {
        strategy.tell({t.id, TrialOutcome::State::Failed, std::nan(""), 1, {}});
      } else {
        const auto values = zdt1(t.params);
        strategy.tell({t.id, TrialOutcome::State::Complete, values[0], 1, values});
      }
      ++told;
      ASSERT_LE(told, 16U);
    }
    EXPECT_EQ(told, 16U) << (allFail ? "every trial failed" : "every other trial failed");
  }
}

TEST(Nsga2Strategy, ReachesAFarLargerHypervolumeThanRandomSearchOnZdt1) {
  const SearchSpace space = zdtSpace();
  for (std::uint64_t seed : {1, 2, 3}) {
    Nsga2Strategy nsga2({&space, json{{"population_size", 20}}, seed, 300, 1});
    RandomStrategy random({&space, json::object(), seed, 300, 1});
    const double evolved = studyHypervolume(nsga2);
    const double drawn = studyHypervolume(random);
    // The whole front g = 1 has hypervolume 1.1^2 - 1/3 = 0.877 against (1.1, 1.1); measured:
    // nsga2 0.38 to 0.40, random 0 to 0.10.
    EXPECT_GT(evolved, drawn + 0.2)
        << "seed " << seed << ": nsga2 " << evolved << ", random " << drawn;
  }
}

}  // namespace
}  // namespace tunelab
