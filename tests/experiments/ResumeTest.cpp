// Running a study again resumes it only when the trials it holds would mean the same thing:
// a change to the data, the model, the training or the seed is refused (results would mix),
// a change to how the study is executed is not.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <ostream>

#include "experiments/store/Sqlite.h"
#include "experiments/store/StudyStore.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Two grid points, of which the first run does one (max_trials: 1).
constexpr const char* kStudy = R"(name: resume
data: {source: toy.csv, target: label, split: {test: 0.2, validation: 0.25}}
model:
  layers:
    - {type: dense, units: $units, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
  metrics: [accuracy]
train: {optimizer: {type: adam, learning_rate: 0.05}, batch_size: 32, epochs: 2}
search:
  strategy: grid
  max_trials: 1
  parameters:
    units: {values: [2, 4]}
execution: {seed: 7, storage: study.db, output: out, parallel_trials: 1}
)";

struct Change {
  std::string name;
  std::string set;  // the change, as `--set key=value` on the second run
};

// How gtest names a case in its messages.
std::ostream& operator<<(std::ostream& os, const Change& change) {
  return os << "--set " << change.set;
}

class ResumeTest : public ::testing::TestWithParam<Change> {
 protected:
  void SetUp() override {
    dir_ = test::scratchDir("resume-" + GetParam().name);
    test::writeSeparableCsv(dir_ / "toy.csv", 400);
    test::writeSeparableCsv(dir_ / "other.csv", 300);
    std::ofstream(dir_ / "exp.yaml") << kStudy;
    const test::ProcessResult first = run({});
    ASSERT_EQ(first.code, 0) << first.err;
    ASSERT_EQ(trialCount(), 1U);
  }

  test::ProcessResult run(const std::vector<std::string>& sets, bool newStudy = false) const {
    std::vector<std::string> arguments{"run", "exp.yaml", "--data-dir", dir_.string()};
    for (const auto& set : sets) arguments.insert(arguments.end(), {"--set", set});
    if (newStudy) arguments.emplace_back("--new-study");
    return test::runTunelab(arguments, dir_);
  }

  [[nodiscard]] std::size_t trialCount() const {
    return StudyStore(dir_ / "study.db").trials().size();
  }

  std::filesystem::path dir_;
};

class ChangedStudy : public ResumeTest {};
class ChangedExecution : public ResumeTest {};

TEST_P(ChangedStudy, IsRefusedNamingTheDatabaseAndNewStudy) {
  const test::ProcessResult again = run({GetParam().set});
  EXPECT_EQ(again.code, 4) << again.out << again.err;
  EXPECT_THAT(again.err, HasSubstr("study database study.db holds a study whose data, model, "
                                   "train, search or seed settings differ from this file's"));
  EXPECT_THAT(again.err, HasSubstr("Run with --new-study to start over"));
  EXPECT_EQ(trialCount(), 1U) << "nothing was added to the stored study";

  const test::ProcessResult fresh = run({GetParam().set}, true);
  EXPECT_EQ(fresh.code, 0) << fresh.err;
}

TEST_P(ChangedExecution, Resumes) {
  const test::ProcessResult again = run({GetParam().set});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("Resuming study: 1 trials finished earlier"));
}

INSTANTIATE_TEST_SUITE_P(Resume, ChangedStudy,
                         ::testing::Values(Change{"epochs", "train.epochs=3"},
                                           Change{"layer", "model.layers[0].activation=tanh"},
                                           Change{"data_source", "data.source=other.csv"},
                                           Change{"split", "data.split.test=0.3"},
                                           Change{"seed", "execution.seed=8"}),
                         [](const auto& param) { return param.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Resume, ChangedExecution,
    ::testing::Values(Change{"parallel_trials", "execution.parallel_trials=2"},
                      Change{"threads_per_trial", "execution.threads_per_trial=2"},
                      Change{"checkpoint_every", "execution.checkpoint_every=0"},
                      Change{"output", "execution.output=elsewhere"},
                      Change{"max_trials", "search.max_trials=2"}),
    [](const auto& param) { return param.param.name; });

// More trials allowed: the resumed study keeps the first and runs the new one.
TEST(Resume, RaisedMaxTrialsRunsOnlyTheNewTrials) {
  const auto dir = test::scratchDir("resume-raised-max-trials");
  test::writeSeparableCsv(dir / "toy.csv", 400);
  std::ofstream(dir / "exp.yaml") << kStudy;
  const std::vector<std::string> run{"run", "exp.yaml", "--data-dir", dir.string()};
  ASSERT_EQ(test::runTunelab(run, dir).code, 0);
  const auto first = StudyStore(dir / "study.db").trials();
  ASSERT_EQ(first.size(), 1U);

  auto more = run;
  more.insert(more.end(), {"--set", "search.max_trials=2"});
  const test::ProcessResult again = test::runTunelab(more, dir);
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("Ran 1 trials"));
  const auto trials = StudyStore(dir / "study.db").trials();
  ASSERT_EQ(trials.size(), 2U);
  EXPECT_EQ(trials[0].params, first[0].params);
  EXPECT_EQ(trials[0].value, first[0].value);
  EXPECT_NE(trials[1].params, first[0].params);
}

// `strategy: auto` depends on max_trials, which a resumed study may raise: 1 of 2 grid points
// is a search (gp), 2 of 2 the whole grid; the resumed study keeps the strategy it started
// with, as it keeps an auto backend. (Before, the grid loaded the GP's saved state.)
TEST(Resume, AutoStrategyKeepsWhatItPickedWhenMaxTrialsIsRaised) {
  const auto dir = test::scratchDir("resume-auto-strategy");
  test::writeSeparableCsv(dir / "toy.csv", 400);
  std::string text = kStudy;
  text.erase(text.find("  strategy: grid\n"), std::string("  strategy: grid\n").size());
  std::ofstream(dir / "exp.yaml") << text;
  const std::vector<std::string> run{"run", "exp.yaml", "--data-dir", dir.string()};
  const test::ProcessResult first = test::runTunelab(run, dir);
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("Strategy: auto chose gp: 1 parameter and 1 trial"));

  auto more = run;
  more.insert(more.end(), {"--set", "search.max_trials=2"});
  const test::ProcessResult again = test::runTunelab(more, dir);
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("gp search"));
  EXPECT_THAT(again.out, HasSubstr("Strategy: auto chose gp: picked when the study started"));
  EXPECT_EQ(StudyStore(dir / "study.db").trials().size(), 2U);
}

// The kept strategy's own options block is its, not "options auto ignores": the resumed study
// was refused (exit 2) when raising max_trials made a new study's pick grid.
TEST(Resume, AutoStrategyKeepsItsOptionsWhenMaxTrialsIsRaised) {
  const auto dir = test::scratchDir("resume-auto-strategy-options");
  test::writeSeparableCsv(dir / "toy.csv", 400);
  std::string text = kStudy;
  text.replace(text.find("  strategy: grid\n"), std::string("  strategy: grid\n").size(),
               "  gp: {initial_trials: 1}\n");
  std::ofstream(dir / "exp.yaml") << text;
  const std::vector<std::string> run{"run", "exp.yaml", "--data-dir", dir.string()};
  const test::ProcessResult first = test::runTunelab(run, dir);
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("Strategy: auto chose gp"));
  auto more = run;
  more.insert(more.end(), {"--set", "search.max_trials=2"});
  const test::ProcessResult again = test::runTunelab(more, dir);
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("Strategy: auto chose gp: picked when the study started"));
  EXPECT_EQ(StudyStore(dir / "study.db").trials().size(), 2U);
  // A new study of the same file picks grid, and refuses the gp block it would ignore.
  const test::ProcessResult fresh = test::runTunelab(
      {"run", "exp.yaml", "--data-dir", dir.string(), "--set", "search.max_trials=2", "--dry-run"},
      dir);
  EXPECT_EQ(fresh.code, 2) << fresh.out;
  EXPECT_THAT(fresh.err, HasSubstr("search.gp: options for gp, but strategy auto chose grid"));
}

// A saved state another strategy wrote is refused in words, and nothing is lost.
TEST(Resume, AStrategyStateThatDoesNotFitIsALocatedRefusal) {
  const auto dir = test::scratchDir("resume-foreign-state");
  test::writeSeparableCsv(dir / "toy.csv", 400);
  std::ofstream(dir / "exp.yaml") << kStudy;
  const std::vector<std::string> run{"run", "exp.yaml", "--data-dir", dir.string()};
  ASSERT_EQ(test::runTunelab(run, dir).code, 0);
  SqliteDatabase(dir / "study.db")
      .prepare("UPDATE study SET strategy_state = ? WHERE id = 1")
      .bind(1, std::string(R"({"rng": "not a grid's state"})"))
      .run();
  auto more = run;
  more.insert(more.end(), {"--set", "search.max_trials=2"});
  const test::ProcessResult again = test::runTunelab(more, dir);
  EXPECT_NE(again.code, 0);
  EXPECT_THAT(again.err, HasSubstr("the study's saved search state does not fit strategy 'grid'"));
  EXPECT_THAT(again.err, Not(HasSubstr("internal error")));
  EXPECT_EQ(StudyStore(dir / "study.db").trials().size(), 1U);
}

}  // namespace
}  // namespace tunelab
