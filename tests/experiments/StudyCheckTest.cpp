// A study is checked whole before its first trial: every value of every list, both ends of
// every range and every condition, bound into the model and train sections and validated as a
// trial would be. A mistake stops `tunelab run` with exit 2 at the value that causes it; a
// study that ends with no complete trial does not exit 0; an inactive conditional parameter
// leaves its key out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "experiments/cli/ExitCode.h"
#include "experiments/study/ProgressReporter.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A toy binary problem (label = x0 + x1 > 1) and a 2 x 2 grid over it; each test edits it.
constexpr const char* kStudy = R"(name: check
data: {source: toy.csv, target: label, split: {test: 0.2, validation: 0.25}}
model:
  layers:
    - {type: dense, units: $units, activation: $activation}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
  metrics: [accuracy]
train:
  optimizer: {type: adam, learning_rate: $lr}
  epochs: 2
search:
  strategy: grid
  parameters:
    units: {values: [4, 8]}
    activation: {values: [relu, tanh]}
    lr: {values: [0.01, 0.05]}
execution: {backend: reference, seed: 3, output: out}
)";

class StudyCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = test::scratchDir(std::string("study-check-") + info->name());
    test::writeSeparableCsv(dir_ / "toy.csv", 200);
  }
  test::ProcessResult run(const std::string& yaml, std::vector<std::string> extra = {}) {
    std::ofstream(dir_ / "exp.yaml") << yaml;
    std::vector<std::string> arguments{"run", "exp.yaml", "--data-dir", dir_.string()};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return test::runTunelab(arguments, dir_);
  }
  bool studyCreated() const { return std::filesystem::exists(dir_ / "out" / "study.db"); }

  std::filesystem::path dir_;
};

// Seen: `optimizer: {type: adam, learnig_rate: $lr}` started the study, every trial failed
// without a file:line, and the run exited 0.
TEST_F(StudyCheck, OptimizerKeyTypoStopsTheRunBeforeTheFirstTrial) {
  const auto r = run(test::replaced(kStudy, "learning_rate: $lr", "learnig_rate: $lr"));
  EXPECT_EQ(r.code, kExitBadInput) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("exp.yaml:10:27: train.optimizer.learnig_rate: unknown key "
                               "'learnig_rate' for the optimizer (did you mean 'learning_rate'?)"));
  EXPECT_THAT(r.out, Not(HasSubstr("trial 0")));
  EXPECT_FALSE(studyCreated());
}

// Seen: only one point of the space was checked: a bad second value of a list started the
// study and failed its trials.
TEST_F(StudyCheck, EveryValueOfAListIsCheckedAtItsPlaceInTheFile) {
  const auto r =
      run(test::replaced(kStudy, "lr: {values: [0.01, 0.05]}", "lr: {values: [0.01, -1]}"));
  EXPECT_EQ(r.code, kExitBadInput) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("exp.yaml:17:25: search.parameters.lr.values[1]: with $lr = -1: "
                               "train.optimizer.learning_rate: must be > 0, got -1"));
  EXPECT_FALSE(studyCreated());
}

TEST_F(StudyCheck, AnUnknownActivationInAListIsFoundBeforeTheFirstTrial) {
  const auto r = run(test::replaced(kStudy, "[relu, tanh]", "[relu, tanhh]"));
  EXPECT_EQ(r.code, kExitBadInput) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("exp.yaml:16:33: search.parameters.activation.values[1]: with "
                               "$activation = tanhh: model.layers[0].activation: unknown "
                               "activation 'tanhh' (did you mean 'tanh'?)"));
  EXPECT_FALSE(studyCreated());
}

// Seen: a study whose trials all failed exited 0.
TEST_F(StudyCheck, AStudyWithNoCompleteTrialExitsNonZeroWithTheErrorsCounted) {
  constexpr const char* kFailing = R"(name: failing
objective:
  command: [sh, -c, "echo broken >&2; exit 3", $x]
search:
  strategy: grid
  metric: loss
  parameters:
    x: {values: [1, 2, 3]}
execution: {output: out}
)";
  const auto r = run(kFailing);
  EXPECT_EQ(r.code, kExitNoCompleteTrial) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("error: no trial completed (3 failed)"));
  EXPECT_THAT(r.err, HasSubstr("  3 x "));
}

// What a terminal shows after `text` is written to it: \r returns to the line's start, ESC[K
// clears the rest of the line, \n starts a new line.
std::vector<std::string> screenLines(const std::string& text) {
  std::vector<std::string> lines{""};
  std::size_t column = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      column = 0;
    } else if (text.compare(i, 3, "\033[K") == 0) {
      lines.back().resize(column);
      i += 2;
    } else if (text[i] == '\n') {
      lines.emplace_back();
      column = 0;
    } else {
      lines.back().resize(std::max(lines.back().size(), column + 1));
      lines.back()[column++] = text[i];
    }
  }
  return lines;
}

// Seen: on a terminal the line of a failed trial was redrawn over by the next trial's.
TEST(TerminalProgress, AFailedTrialsLineStaysOnScreen) {
  std::ostringstream screen;
  auto progress = makeProgressReporter(ProgressStyle::Terminal, screen);
  MetricGoal metric = MetricGoal::forName("val_loss");
  TrialRecord failed;
  failed.id = 0;
  failed.status = TrialStatus::Failed;
  failed.error = "model.layers[0].units: must be >= 1, got 0";
  progress->trialFinished({.record = failed, .finished = 1, .total = 3}, metric);
  TrialRecord complete;
  complete.id = 1;
  complete.status = TrialStatus::Complete;
  complete.value = 0.25;
  progress->trialFinished({.record = complete, .finished = 2, .total = 3}, metric);
  complete.id = 2;
  progress->trialFinished({.record = complete, .finished = 3, .total = 3}, metric);
  progress->done();
  const auto lines = screenLines(screen.str());
  const auto shown = std::count_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.find("trial 0 failed") != std::string::npos &&
           line.find("must be >= 1, got 0") != std::string::npos;
  });
  EXPECT_EQ(shown, 1) << screen.str();
  const auto redrawn = std::count_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.find("trial 2 complete") != std::string::npos;
  });
  EXPECT_EQ(redrawn, 1) << screen.str();
}

// Seen: `optimizer: {type: $optimizer, momentum: $momentum}` with momentum conditional on sgd
// (as the docs suggest) failed every adam trial on "unknown key 'momentum'" (a null left).
TEST_F(StudyCheck, AnInactiveConditionalParameterRemovesTheKeyItFills) {
  std::string yaml = test::replaced(kStudy, "{type: adam, learning_rate: $lr}",
                                    "{type: $optimizer, learning_rate: $lr, momentum: $momentum}");
  yaml = test::replaced(yaml, "    lr: {values: [0.01, 0.05]}\n",
                        "    lr: {value: 0.01}\n"
                        "    optimizer: {values: [adam, sgd, rmsprop]}\n"
                        "    momentum: {values: [0.0, 0.9], when: {optimizer: [sgd, rmsprop]}}\n");
  yaml = test::replaced(yaml, "units: {values: [4, 8]}", "units: {value: 4}");
  yaml = test::replaced(yaml, "activation: {values: [relu, tanh]}", "activation: {value: relu}");
  const auto r = run(yaml);
  EXPECT_EQ(r.code, kExitOk) << r.out << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("failed:")));
  EXPECT_THAT(r.out, Not(HasSubstr("unknown key")));
  const auto csv = test::readCsvCells(dir_ / "out" / "results.csv");
  EXPECT_EQ(csv.size(), 1U + 5U);  // adam, sgd x 2 momenta, rmsprop x 2 momenta
  EXPECT_THAT(test::readText(dir_ / "out" / "results.csv"), Not(HasSubstr("failed")));
}

// A conditional parameter is checked where it is active: a bad momentum is found even though
// the centre of the space uses adam.
TEST_F(StudyCheck, AConditionalParameterIsCheckedWhereItIsActive) {
  std::string yaml = test::replaced(kStudy, "{type: adam, learning_rate: $lr}",
                                    "{type: $optimizer, learning_rate: $lr, momentum: $momentum}");
  yaml = test::replaced(yaml, "    lr: {values: [0.01, 0.05]}\n",
                        "    lr: {value: 0.01}\n"
                        "    optimizer: {values: [adam, adamw, sgd]}\n"
                        "    momentum: {values: [0.5, 1.5], when: {optimizer: sgd}}\n");
  const auto r = run(yaml);
  EXPECT_EQ(r.code, kExitBadInput) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("exp.yaml:19:30: search.parameters.momentum.values[1]: with "
                               "$momentum = 1.5: train.optimizer.momentum: must be >= 0 and < 1, "
                               "got 1.5"));
}

// Both ends of a range are checked, ints and log ranges included.
TEST_F(StudyCheck, BothEndsOfARangeAreChecked) {
  const auto r = run(test::replaced(kStudy, "units: {values: [4, 8]}", "units: {min: 0, max: 8}"));
  EXPECT_EQ(r.code, kExitBadInput) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("exp.yaml:15:13: search.parameters.units.min: with $units = 0: "
                               "model.layers[0].units: must be >= 1 and <= 65536, got 0"));
}

TEST_F(StudyCheck, DryRunChecksPrintsThePlanAndCreatesNoStudy) {
  const auto r = run(kStudy, {"--dry-run"});
  EXPECT_EQ(r.code, kExitOk) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Trials: 8"));
  EXPECT_THAT(r.out, HasSubstr("Smallest model: 17 parameters"));  // 2*4+4 + 4+1
  EXPECT_THAT(r.out, HasSubstr("Largest model: 33 parameters"));   // 2*8+8 + 8+1
  EXPECT_THAT(r.out, HasSubstr("Data: "));
  EXPECT_THAT(r.out, HasSubstr("2 features"));
  EXPECT_THAT(r.out, HasSubstr("Backend: reference"));
  EXPECT_FALSE(studyCreated());
}

// With no strategy the study is `auto`: it says what it picked and why, before any trial.
TEST_F(StudyCheck, AutoStrategySaysWhatItPickedAndWhy) {
  const std::string noStrategy = test::replaced(kStudy, "  strategy: grid\n", "");
  const auto grid = run(noStrategy, {"--dry-run"});
  EXPECT_EQ(grid.code, kExitOk) << grid.out << grid.err;
  EXPECT_THAT(grid.out, HasSubstr("Strategy: auto chose grid: every parameter is a list of values "
                                  "and max_trials allows all 8 points"));
  const std::string ranges =
      test::replaced(noStrategy, "lr: {values: [0.01, 0.05]}", "lr: {min: 0.001, max: 0.1}");
  const auto gp =
      run(test::replaced(ranges, "search:\n", "search:\n  max_trials: 6\n"), {"--dry-run"});
  EXPECT_EQ(gp.code, kExitOk) << gp.out << gp.err;
  EXPECT_THAT(gp.out, HasSubstr("Strategy: auto chose gp: 3 parameters and 6 trials"));
  const auto ignored =
      run(test::replaced(noStrategy, "search:\n", "search:\n  gp: {initial_trials: 3}\n"));
  EXPECT_EQ(ignored.code, kExitBadInput) << ignored.out << ignored.err;
  EXPECT_THAT(ignored.err, HasSubstr("search.gp: options for gp, but strategy auto chose grid"));
  const auto unbounded = run(ranges);
  EXPECT_EQ(unbounded.code, kExitBadInput) << unbounded.out << unbounded.err;
  EXPECT_THAT(unbounded.err, HasSubstr("search.max_trials: strategy auto over a space with a "
                                       "continuous range needs max_trials"));
  EXPECT_FALSE(studyCreated());
}

}  // namespace
}  // namespace tunelab
