// The GP strategy: no point twice, exhausts a finite space, resumes exactly, finds a minimum
// faster than random search, scores a candidate as the trial it becomes, finds a category
// that lies between others, sees every result with one trial at a time, and keeps its
// diagnostics in its state; refits its hyperparameters as the results grow, not at every ask.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "core/Rng.h"
#include "search/strategies/gp/CandidateScorer.h"
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

// experiments/configs/magic_gp.yaml's space: four lists, 54 points. Its initial design gave
// every list the trial's number modulo its length, so only lcm(3, 2, 3, 3) = 6 different
// points existed, and the study ended after 6 of its 20 trials.
TEST(GpStrategy, AGridOfListsGetsEveryTrialItAsksForAndAllItsPoints) {
  const SearchSpace space = SearchSpace::parse(json::parse(R"({
      "nodes": {"values": [16, 32, 64]}, "dropout": {"values": [0, 0.2]},
      "lr": {"values": [0.01, 0.005, 0.001]}, "batch_size": {"values": [32, 64, 128]}})"),
                                               {"nodes", "dropout", "lr", "batch_size"});
  for (const std::size_t limit : {20U, 54U}) {
    GpStrategy gp({&space, json{{"initial_trials", 8}}, 42, limit, 1});
    std::set<std::string> seen;
    for (;;) {
      AskResult r = gp.ask(2);
      if (r.kind == AskResult::Kind::Exhausted) break;
      ASSERT_EQ(r.kind, AskResult::Kind::Ready) << "after " << seen.size() << " trials";
      for (const auto& t : r.trials) {
        EXPECT_TRUE(seen.insert(t.params.dump()).second) << t.params.dump();
        const double value = t.params["lr"].get<double>() * t.params["nodes"].get<double>();
        gp.tell({t.id, TrialOutcome::State::Complete, value, 1});
      }
    }
    EXPECT_EQ(seen.size(), limit);
  }
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

// The number of results the hyperparameters were last fitted to, after each of `trials` trials
// (asked one at a time, each told before the next).
std::vector<int> fittedOnAfterEachTrial(GpStrategy& gp, int trials) {
  std::vector<int> fittedOn;
  for (int i = 0; i < trials; ++i) {
    const TrialSpec t = gp.ask(1).trials.at(0);
    gp.tell({t.id, TrialOutcome::State::Complete, quadratic(t.params), 1});
    fittedOn.push_back(gp.saveState()["hyper_fitted_on"].get<int>());
  }
  return fittedOn;
}

TEST(GpStrategy, RefitsItsHyperparametersAsTheResultsGrowAndResumesExactlyBetweenRefits) {
  const SearchSpace space = continuousSpace();
  GpStrategy a({&space, json{{"initial_trials", 20}}, 4, 40, 1});
  const std::vector<int> fittedOn = fittedOnAfterEachTrial(a, 31);
  // No model during the 20 initial trials; then a refit whenever the results have grown by
  // 10% (at least one) since the last fit: at 20, 22, 24, 26, 28 and 30 results.
  const std::vector<int> expected{0, 0, 0, 0, 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0, 0,
                                  0, 0, 0, 0, 20, 20, 22, 22, 24, 24, 26, 26, 28, 28, 30};
  EXPECT_EQ(fittedOn, expected);
  // Resumed between two refits (at 31 results; the next are at 33 and 36), it asks what `a`
  // asks.
  GpStrategy b({&space, json{{"initial_trials", 20}}, 4, 40, 1});
  b.loadState(json::parse(a.saveState().dump()));
  for (int i = 0; i < 6; ++i) {
    const TrialSpec ta = a.ask(1).trials.at(0);
    const TrialSpec tb = b.ask(1).trials.at(0);
    EXPECT_EQ(ta.params, tb.params) << "trial " << ta.id;
    a.tell({ta.id, TrialOutcome::State::Complete, quadratic(ta.params), 1});
    b.tell({tb.id, TrialOutcome::State::Complete, quadratic(tb.params), 1});
  }
  EXPECT_EQ(a.saveState()["hyper_fitted_on"], 36);

  // refit_growth 0: a refit at every ask, as before the schedule.
  GpStrategy everyAsk({&space, json{{"initial_trials", 20}, {"refit_growth", 0}}, 4, 40, 1});
  const std::vector<int> always = fittedOnAfterEachTrial(everyAsk, 24);
  EXPECT_EQ(std::vector<int>(always.begin() + 20, always.end()),
            (std::vector<int>{20, 21, 22, 23}));
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

TEST(GpStrategy, ACandidateScoresTheSameAsTheTrialItBecomes) {
  const SearchSpace space = SearchSpace::parse(json::parse(R"({"opt": {"values": ["sgd", "adam"]},
      "momentum": {"min": 0.0, "max": 1.0, "when": {"opt": "sgd"}},
      "units": {"min": 1, "max": 9}, "x": {"min": -1.0, "max": 1.0}})"),
                                               {"opt", "momentum", "units", "x"});
  Rng rng(4);
  std::vector<EncodedPoint> observed;
  Eigen::VectorXd y(12);
  for (Eigen::Index i = 0; i < 12; ++i) {
    const json trial = space.sample(rng);
    observed.push_back(encodeTrial(space, trial));
    y[i] = trial["units"].get<double>() + trial["x"].get<double>();
  }
  GaussianProcess gp(categoricalDimensions(space));
  gp.fit(toGpPoints(observed), y, {}, true, 1, rng);
  const CandidateScorer scorer(space, gp, AcquisitionKind::LogExpectedImprovement, y.minCoeff(), 2);
  int differs = 0;
  for (int i = 0; i < 50; ++i) {
    const std::vector<double> raw{rng.uniformDouble(), rng.uniformDouble(), rng.uniformDouble(),
                                  rng.uniformDouble()};
    const EncodedPoint tidy = tidyPoint(space, raw);
    EXPECT_DOUBLE_EQ(scorer.score(raw), scorer.score(tidy.u));
    EXPECT_DOUBLE_EQ(scorer.score(raw), scorer.scoreTidied({tidy}).front());
    // Scored where it was drawn, a raw candidate would score otherwise (the issue's bug).
    Eigen::VectorXd mean;
    Eigen::VectorXd variance;
    gp.predictMany(toGpPoints({{raw, std::vector<double>(4, 1.0)}}), mean, variance);
    const double atRaw = logExpectedImprovement(mean[0], std::sqrt(variance[0]), y.minCoeff());
    if (std::abs(atRaw - scorer.score(raw)) > 1e-9) ++differs;
  }
  EXPECT_GT(differs, 25);
}

// The quick tidy of a condition-free space is the trial's own decode and encode, to the bit.
TEST(GpStrategy, ATidiedPointIsTheTrialItDecodesToEncodedAgain) {
  const json kinds = json::parse(R"({
      "x": {"min": -1.0, "max": 2.0}, "lr": {"min": 1e-5, "max": 0.1, "distribution": "log_uniform"},
      "rate": {"min": 0.0, "max": 0.5, "q": 0.1},
      "units": {"min": 8, "max": 512, "distribution": "int_uniform"},
      "batch": {"min": 16, "max": 256, "distribution": "int_log_uniform"},
      "act": {"values": ["relu", "tanh"]},
      "size": {"values": [32, 64.5, 128]}, "flag": {"values": [true, false]},
      "layers": {"value": 2}})");
  const json conditional = json::parse(R"({"opt": {"values": ["sgd", "adam"]},
      "momentum": {"min": 0.0, "max": 0.99, "when": {"opt": "sgd"}}, "y": {"min": 0, "max": 1.0}})");
  const std::vector<SearchSpace> spaces{
      SearchSpace::parse(kinds,
                         {"x", "lr", "rate", "units", "batch", "act", "size", "flag", "layers"}),
      SearchSpace::parse(conditional, {"opt", "momentum", "y"})};
  Rng rng(3);
  for (const auto& space : spaces) {
    for (int i = 0; i < 500; ++i) {
      std::vector<double> u(space.dimensions());
      for (auto& x : u) x = rng.uniformDouble();
      if (i == 0) u.assign(u.size(), 0.0);
      if (i == 1) u.assign(u.size(), 1.0);
      const EncodedPoint quick = tidyPoint(space, u);
      const EncodedPoint viaTrial = encodeTrial(space, space.decode(u));
      ASSERT_EQ(quick.u.size(), viaTrial.u.size());
      for (std::size_t d = 0; d < u.size(); ++d) {
        EXPECT_EQ(std::bit_cast<std::uint64_t>(quick.u[d]),
                  std::bit_cast<std::uint64_t>(viaTrial.u[d]))
            << "dimension " << d << " at u " << u[d];
      }
      EXPECT_EQ(quick.active, viaTrial.active);
    }
  }
}

double categoryObjective(const json& p) {
  // The best category is the middle one, which a smooth kernel over an ordered encoding
  // would predict from its neighbours as no better than them.
  const double offset = p["c"] == "b" ? 0.0 : 1.0;
  return offset + std::pow(p["x"].get<double>() - 0.4, 2);
}

TEST(GpStrategy, TriesEveryCategoryAndFindsTheBestOne) {
  const SearchSpace space = SearchSpace::parse(
      json::parse(R"({"c": {"values": ["a", "b", "c"]}, "x": {"min": -1.0, "max": 1.0}})"),
      {"c", "x"});
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    GpStrategy gp({&space, json::object(), seed, 25, 1});
    double best = 1e9;
    std::set<std::string> categories;
    for (int i = 0; i < 25; ++i) {
      const TrialSpec t = gp.ask(1).trials.at(0);
      categories.insert(t.params["c"].get<std::string>());
      const double v = categoryObjective(t.params);
      best = std::min(best, v);
      gp.tell({t.id, TrialOutcome::State::Complete, v, 1});
    }
    EXPECT_EQ(categories.size(), 3U);
    EXPECT_LT(best, 1e-3) << "seed " << seed;
    EXPECT_EQ(gp.saveState()["diagnostics"]["discrete_tried"], 1.0);
  }
}

TEST(GpStrategy, OneTrialAtATimeSeesEveryResultAndTwoAtATimeRunInParallel) {
  const SearchSpace space = continuousSpace();
  for (int parallel : {1, 2}) {
    StrategyContext context{&space, json{{"initial_trials", 4}}, 3, 20, 1};
    context.parallelTrials = parallel;
    GpStrategy gp(context);
    for (int i = 0; i < 4; ++i) {
      const TrialSpec t = gp.ask(1).trials.at(0);
      gp.tell({t.id, TrialOutcome::State::Complete, quadratic(t.params), 1});
    }
    const AskResult first = gp.ask(1);
    ASSERT_EQ(first.trials.size(), 1U);
    // Trial 5 waits for trial 4's result with one trial at a time (lag 0), not with two.
    EXPECT_EQ(gp.ask(1).kind, parallel == 1 ? AskResult::Kind::Wait : AskResult::Kind::Ready);
  }
}

TEST(GpStrategy, RarelyProposesTheBoxEdgeOrNearDuplicatesOnASmoothFunction) {
  const SearchSpace space = continuousSpace();
  GpStrategy gp({&space, json::object(), 6, 40, 1});
  bestAfter(gp, 40);
  const json diagnostics = gp.saveState()["diagnostics"];
  EXPECT_EQ(diagnostics["trials"], 40);
  EXPECT_LE(diagnostics["on_edge"].get<double>(), 0.1);
  EXPECT_EQ(diagnostics["near_duplicates"].get<double>(), 0.0);
}

}  // namespace
}  // namespace tunelab
