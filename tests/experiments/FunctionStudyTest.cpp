// A function of this process as the objective (what tunelab.optimize runs a Python callable
// with): every trial's value is what the function returned, a throwing function fails only its
// trial with its message, and the store reads like any study's.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <mutex>
#include <set>
#include <sstream>

#include "core/Error.h"
#include "experiments/study/FunctionStudy.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

using test::scratchDir;
using ::testing::HasSubstr;

FunctionStudyArguments arguments(std::string text) {
  FunctionStudyArguments args;
  args.experiment = std::move(text);
  args.displayName = "tunelab.optimize";
  return args;
}

std::string study(const std::filesystem::path& storage, const std::string& strategy = "grid") {
  return "name: function-study\n"
         "search:\n"
         "  strategy: " +
         strategy +
         "\n"
         "  metric: value\n"
         "  parameters:\n"
         "    x: {values: [1, 2, 3, 4]}\n"
         "execution: {parallel_trials: 2, seed: 3, storage: " +
         storage.string() + "}\n";
}

TEST(FunctionStudyTest, EveryTrialHasTheValueTheFunctionReturned) {
  const auto dir = scratchDir("FunctionStudyTest.values");
  std::mutex mutex;
  std::set<int> called;
  const ObjectiveFunction square = [&](const nlohmann::json& params) {
    const int x = params.at("x").get<int>();
    const std::lock_guard lock(mutex);
    called.insert(x);
    return double(x * x);
  };
  std::ostringstream out;
  const std::atomic<bool> stop{false};
  const RunSummary summary =
      runFunctionStudy(arguments(study(dir / "study.db")), square, out, stop);
  EXPECT_EQ(summary.trialsRun, 4);
  EXPECT_EQ(called, (std::set<int>{1, 2, 3, 4}));
  StudyStore store(dir / "study.db");
  for (const auto& t : store.trials()) {
    const int x = t.params.at("x").get<int>();
    ASSERT_EQ(t.status, TrialStatus::Complete);
    EXPECT_EQ(*t.value, double(x * x));
    EXPECT_EQ(t.finalValues.at("value").get<double>(), double(x * x));
  }
}

TEST(FunctionStudyTest, AThrowingFunctionFailsOnlyItsTrialWithItsMessage) {
  const auto dir = scratchDir("FunctionStudyTest.throws");
  const ObjectiveFunction picky = [](const nlohmann::json& params) {
    const int x = params.at("x").get<int>();
    if (x == 2) throw Error("ValueError: x may not be 2");
    return x == 3 ? std::nan("") : double(x);
  };
  std::ostringstream out;
  const std::atomic<bool> stop{false};
  runFunctionStudy(arguments(study(dir / "study.db")), picky, out, stop);
  StudyStore store(dir / "study.db");
  for (const auto& t : store.trials()) {
    const int x = t.params.at("x").get<int>();
    if (x == 2) {
      EXPECT_EQ(t.status, TrialStatus::Failed);
      EXPECT_EQ(t.error, "ValueError: x may not be 2");
    } else if (x == 3) {
      EXPECT_EQ(t.status, TrialStatus::Failed);
      EXPECT_THAT(t.error, HasSubstr("non-finite value"));
    } else {
      EXPECT_EQ(t.status, TrialStatus::Complete);
    }
  }
}

TEST(FunctionStudyTest, ASectionOtherThanSearchAndExecutionIsRefusedAtItsPlace) {
  const auto dir = scratchDir("FunctionStudyTest.hyperband");
  std::ostringstream out;
  const std::atomic<bool> stop{false};
  const std::string text = study(dir / "study.db", "grid") + "train: {epochs: 9}\n";
  try {
    runFunctionStudy(
        arguments(text), [](const nlohmann::json&) { return 1.0; }, out, stop);
    FAIL() << "a train section was accepted";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("tunelab.optimize:8:1: train: "));
    EXPECT_THAT(e.what(), HasSubstr("only name, search and execution"));
  }
}

}  // namespace
}  // namespace tunelab
