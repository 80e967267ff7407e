// The default backend is `auto`: a study without execution.backend runs on the fastest
// installed backend (not the reference oracle), measured at start, says which it picked and
// why, records it in the study and keeps it when the study resumes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include "experiments/cli/ExitCode.h"
#include "experiments/config/ExecutionSpec.h"
#include "experiments/store/StudyStore.h"
#include "tests/support/StudyFixture.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Random search over a small model, no execution.backend; max_trials may grow on resume.
constexpr const char* kNoBackend = R"(name: toy-auto
data: {source: toy.csv, target: label, split: {test: 0.2, validation: 0.25}}
model:
  layers:
    - {type: dense, units: $units, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
train:
  optimizer: {type: adam, learning_rate: 0.01}
  batch_size: 32
  epochs: 2
search:
  strategy: random
  max_trials: 2
  parameters:
    units: {values: [4, 8, 16]}
execution: {seed: 7, storage: study.db}
)";

class AutoBackendTest : public test::StudyFixture {
 protected:
  void SetUp() override {
    StudyFixture::SetUp();
    setenv("TUNELAB_CACHE_DIR", (dir_ / "cache").c_str(), 1);
  }
  void TearDown() override { unsetenv("TUNELAB_CACHE_DIR"); }

  std::set<std::string> backendsOfTrials() {
    StudyStore store(dir_ / "study.db");
    std::set<std::string> backends;
    for (const auto& t : store.trials()) backends.insert(t.backend);
    return backends;
  }
};

TEST(ExecutionSpecAuto, NoBackendMeansAuto) {
  EXPECT_EQ(parseExecutionSpec(nlohmann::json::object()).backends,
            std::vector<std::string>{"auto"});
  EXPECT_EQ(parseExecutionSpec({{"backend", "auto"}}).backends, std::vector<std::string>{"auto"});
  EXPECT_THROW(parseExecutionSpec({{"backend", {"auto", "reference"}}}), ConfigError);
}

TEST_F(AutoBackendTest, FileWithoutBackendRunsOnTheFastestInstalledOneAndSaysWhy) {
  const test::Outcome o = run(kNoBackend);
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_THAT(o.out, ::testing::ContainsRegex("backend auto: (openblas|onednn) \\("));
  EXPECT_THAT(o.out, ::testing::ContainsRegex("us per step"));
  const auto backends = backendsOfTrials();
  ASSERT_EQ(backends.size(), 1U);
  const std::string picked = *backends.begin();
  EXPECT_NE(picked, "reference");
  EXPECT_NE(picked, "auto");
  EXPECT_EQ(StudyStore(dir_ / "study.db").chosenBackend(), picked);
  EXPECT_THAT(o.out, HasSubstr("backend auto: " + picked));
}

// A verdict whose timings a busy machine could not reproduce is not cached: then the second
// study measures again, and the test says it skipped the cache check.
TEST_F(AutoBackendTest, SecondStudyOnTheSameModelUsesTheCachedVerdict) {
  const test::Outcome first = run(kNoBackend);
  ASSERT_EQ(first.code, kExitOk) << first.err;
  const test::Outcome again = run(kNoBackend, {}, true);
  ASSERT_EQ(again.code, kExitOk) << again.err;
  if (first.out.find("not cached") != std::string::npos) {
    EXPECT_THAT(again.out, Not(HasSubstr("cached verdict")));
    GTEST_SKIP() << "the machine was too busy to reproduce the first study's timings, so nothing "
                    "was cached (BackendChoiceTest covers both cases with a fake machine)";
  }
  EXPECT_THAT(again.out, HasSubstr("cached verdict"));
}

// The cache says the other backend is faster now: a resumed study keeps the one it started on.
TEST_F(AutoBackendTest, ResumedStudyKeepsTheBackendItStartedWith) {
  ASSERT_EQ(run(kNoBackend).code, kExitOk);
  const std::string picked = *backendsOfTrials().begin();
  const std::string other = picked == "onednn" ? "openblas" : "onednn";
  // (Not cached when the machine was too busy to reproduce the timings; a resumed study
  // measures nothing either way, the check below holds in both cases.)
  const auto cacheFile = dir_ / "cache" / "backend-choice.json";
  if (std::filesystem::exists(cacheFile)) {
    std::string text = test::readText(cacheFile);
    for (auto at = text.find('"' + picked + '"'); at != std::string::npos;
         at = text.find('"' + picked + '"', at + 1)) {
      text.replace(at, picked.size() + 2, '"' + other + '"');
    }
    std::ofstream(cacheFile) << text;
  }

  const test::Outcome resumed = run(kNoBackend, {"search.max_trials=3"});
  ASSERT_EQ(resumed.code, kExitOk) << resumed.err;
  EXPECT_THAT(resumed.out, HasSubstr("backend auto: " + picked + " (picked when the study"));
  EXPECT_EQ(backendsOfTrials(), std::set<std::string>{picked});
  EXPECT_EQ(StudyStore(dir_ / "study.db").trials().size(), 3U);
}

// The verdict is measured as the study runs: with its trials side by side (they contend for
// OpenBLAS's shared buffers), or alone when the study runs one at a time.
TEST_F(AutoBackendTest, MeasuresWithAsManyTrialsAtOnceAsTheStudyRuns) {
  const test::Outcome two = run(kNoBackend, {"execution.parallel_trials=2"});
  ASSERT_EQ(two.code, kExitOk) << two.err;
  EXPECT_THAT(two.out, HasSubstr("on this model with 2 trials at once: "));
  const test::Outcome one =
      run(kNoBackend, {"execution.parallel_trials=1", "execution.storage=alone.db"});
  ASSERT_EQ(one.code, kExitOk) << one.err;
  EXPECT_THAT(one.out, HasSubstr("on this model: "));
  EXPECT_THAT(one.out, Not(HasSubstr("cached verdict")));  // another key: measured again
}

TEST_F(AutoBackendTest, ExplicitBackendIsNotMeasured) {
  const test::Outcome o = run(kNoBackend, {"execution.backend=reference"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_THAT(o.out, Not(HasSubstr("backend auto")));
  EXPECT_EQ(backendsOfTrials(), std::set<std::string>{"reference"});
}

}  // namespace
}  // namespace tunelab
