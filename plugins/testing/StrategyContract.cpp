#include "plugins/testing/StrategyContract.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "plugins/testing/StrategyDriver.h"

namespace tunelab::testing {

// NOLINTNEXTLINE(readability-identifier-naming): the name GoogleTest looks up
void PrintTo(const StrategyCase& c, std::ostream* os) { *os << c.name; }

StrategyContract::~StrategyContract() = default;

std::vector<SearchSpace> StrategyContract::spaces(const StrategyCase& c) {
  // 3 x 2 x (2 sgd momenta + adam) = 18 points, one parameter conditional on another.
  const auto finite = nlohmann::json::parse(R"({"units": {"values": [8, 16, 32]},
      "dropout": {"values": [0, 0.2]}, "optimizer": {"values": ["sgd", "adam"]},
      "momentum": {"values": [0.0, 0.9], "when": {"optimizer": "sgd"}}})");
  std::vector<SearchSpace> all{
      SearchSpace::parse(finite, {"units", "dropout", "optimizer", "momentum"})};
  if (c.continuous) {
    const auto continuous = nlohmann::json::parse(R"({
        "lr": {"min": 1e-4, "max": 1e-1, "distribution": "log_uniform"},
        "units": {"min": 8, "max": 64}, "dropout": {"min": 0.0, "max": 0.5}})");
    all.push_back(SearchSpace::parse(continuous, {"lr", "units", "dropout"}));
  }
  return all;
}

StrategyContext StrategyContract::contextFor(const StrategyCase& c, const SearchSpace& space) {
  return {&space, c.options, 7, space.finite() ? c.finiteMaxTrials : std::optional<std::size_t>(12),
          c.maxEpochs};
}

namespace {

// Drives a new instance of the case on `space` to its end.
StrategyDriver driveToTheEnd(const StrategyCase& c, const StrategyContext& context,
                             std::size_t parallel, TrialEndings endings = {}) {
  const auto strategy = c.make(context);
  StrategyDriver driver(*strategy, parallel, 3, endings, c.maxEpochs);
  driver.run();
  return driver;
}

// The log without the answers Wait: a restarted runner asks once more where the uninterrupted
// one had just been told to wait.
std::vector<std::string> withoutWaits(const std::vector<std::string>& log) {
  std::vector<std::string> kept;
  std::copy_if(log.begin(), log.end(), std::back_inserter(kept),
               [](const std::string& line) { return !line.ends_with("-> Wait"); });
  return kept;
}

// Where two logs part, for the failure message (the whole logs are long).
std::string firstDifference(const std::vector<std::string>& got,
                            const std::vector<std::string>& want) {
  for (std::size_t i = 0; i < got.size() && i < want.size(); ++i) {
    if (got[i] != want[i]) {
      return "at line " + std::to_string(i) + ": got " + got[i] + ", expected " + want[i];
    }
  }
  return "one log ends at line " + std::to_string(std::min(got.size(), want.size()));
}

std::string spaceName(const SearchSpace& space) {
  return space.finite() ? "finite space" : "continuous space";
}

}  // namespace

TEST_P(StrategyContract, KeepsTheRunnersPromisesToTheEnd) {
  // ask(n) answers, Wait only while trials run, ids, budgets and resumeFrom.
  const StrategyCase& c = GetParam();
  for (const auto& space : spaces(c)) {
    for (std::size_t parallel : {1U, 3U}) {
      SCOPED_TRACE(spaceName(space) + ", " + std::to_string(parallel) + " at once");
      const StrategyDriver driver = driveToTheEnd(c, contextFor(c, space), parallel);
      EXPECT_TRUE(driver.over()) << "still proposing after " << driver.events() << " events";
      EXPECT_TRUE(driver.exhausted()) << "the study must end by Exhausted";
      for (const auto& violation : driver.violations()) ADD_FAILURE() << violation;
      EXPECT_GT(driver.configurations(), 0U);
    }
  }
}

TEST_P(StrategyContract, ExhaustedIsFinal) {
  const StrategyCase& c = GetParam();
  for (const auto& space : spaces(c)) {
    SCOPED_TRACE(spaceName(space));
    const auto context = contextFor(c, space);
    const auto strategy = c.make(context);
    StrategyDriver driver(*strategy, 2, 3, {}, c.maxEpochs);
    driver.run();
    ASSERT_TRUE(driver.exhausted());
    EXPECT_EQ(strategy->ask(1).kind, AskResult::Kind::Exhausted) << "asked again";
    // A study killed after its last trial resumes with this state: it must not start more.
    const auto resumed = c.make(context);
    resumed->loadState(nlohmann::json::parse(strategy->saveState().dump()));
    EXPECT_EQ(resumed->ask(1).kind, AskResult::Kind::Exhausted) << "after loadState";
  }
}

TEST_P(StrategyContract, NeverProposesAConfigurationTwiceOrMoreThanMaxTrials) {
  const StrategyCase& c = GetParam();
  for (const auto& space : spaces(c)) {
    SCOPED_TRACE(spaceName(space));
    const auto context = contextFor(c, space);
    const StrategyDriver driver = driveToTheEnd(c, context, 3);
    std::set<std::string> seen;
    for (const auto& trial : driver.trials()) {
      if (trial.resumeFrom) continue;
      const bool fresh = seen.insert(trial.params.dump()).second;
      EXPECT_TRUE(fresh || c.repeatsPoints) << "trial " << trial.id << " repeats " << trial.params;
    }
    EXPECT_LE(driver.configurations(), context.maxTrials.value_or(driver.configurations()));
    EXPECT_LE(seen.size(), space.finite() ? 18U : seen.size());
  }
}

TEST_P(StrategyContract, TwoInstancesDrivenAlikeProposeTheSame) {
  const StrategyCase& c = GetParam();
  for (const auto& space : spaces(c)) {
    SCOPED_TRACE(spaceName(space));
    const auto context = contextFor(c, space);
    const auto first = driveToTheEnd(c, context, 3).log();
    const auto second = driveToTheEnd(c, context, 3).log();
    EXPECT_TRUE(first == second) << firstDifference(second, first);
  }
}

TEST_P(StrategyContract, AnsweringWaitChangesNothing) {
  // How often the runner asks while it waits depends on timing; what is proposed must not.
  const StrategyCase& c = GetParam();
  for (const auto& space : spaces(c)) {
    SCOPED_TRACE(spaceName(space));
    const auto context = contextFor(c, space);
    const auto once = withoutWaits(driveToTheEnd(c, context, 3).log());
    const auto strategy = c.make(context);
    StrategyDriver driver(*strategy, 3, 3, {}, c.maxEpochs);
    driver.repeatWaits(3);
    driver.run();
    const auto often = withoutWaits(driver.log());
    EXPECT_TRUE(often == once) << firstDifference(often, once);
  }
}

TEST_P(StrategyContract, ResumesExactlyFromTheStateSavedAtAnyCommit) {
  const StrategyCase& c = GetParam();
  for (const auto& space : spaces(c)) {
    SCOPED_TRACE(spaceName(space));
    const auto context = contextFor(c, space);
    const auto uninterrupted = withoutWaits(driveToTheEnd(c, context, 3).log());
    // The runner saves the state with every ask and every tell; a killed study loads the last
    // one, runs its running trials again and goes on.
    for (std::size_t cut = 1; cut < uninterrupted.size(); cut += 1 + uninterrupted.size() / 6) {
      SCOPED_TRACE("killed after event " + std::to_string(cut));
      const auto strategy = c.make(context);
      StrategyDriver driver(*strategy, 3, 3, {}, c.maxEpochs);
      while (driver.events() < cut && driver.fill()) {
        if (driver.events() < cut) driver.finishOne();
      }
      const auto resumed = c.make(context);
      resumed->loadState(nlohmann::json::parse(strategy->saveState().dump()));
      driver.attach(*resumed);
      driver.run();
      const auto resumedLog = withoutWaits(driver.log());
      EXPECT_TRUE(resumedLog == uninterrupted) << firstDifference(resumedLog, uninterrupted);
    }
  }
}

TEST_P(StrategyContract, FailedAndPrunedTrialsDoNotEndTheSearchEarly) {
  const StrategyCase& c = GetParam();
  for (const auto& space : spaces(c)) {
    SCOPED_TRACE(spaceName(space));
    const auto context = contextFor(c, space);
    const std::size_t healthy = driveToTheEnd(c, context, 2).configurations();
    const StrategyDriver driver = driveToTheEnd(c, context, 2, {.failEvery = 3, .pruneEvery = 4});
    EXPECT_TRUE(driver.exhausted());
    for (const auto& violation : driver.violations()) ADD_FAILURE() << violation;
    EXPECT_GE(driver.configurations(), healthy)
        << "failed trials (NaN values) and pruned ones must not stop the search";
  }
}

// A test executable links every suite of the kit and instantiates the ones it needs.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StrategyContract);

}  // namespace tunelab::testing
