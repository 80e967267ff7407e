// What a finished study tells its user, read through the tunelab command and the files it
// writes: each trial's value by the metric's goal, the best trial and its saved model,
// `tunelab best -n K` and `tunelab status`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <regex>
#include <thread>

#include "experiments/store/StudyStore.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using test::ProcessResult;
using test::runTunelab;
using ::testing::HasSubstr;

// Four learning rates on the toy problem, scored by val_accuracy (whose goal is maximize).
// The large rates make curves that go up and down: a trial's best epoch is neither its worst
// nor always its last.
constexpr const char* kAccuracyStudy = R"(name: accuracy-study
data: {source: toy.csv, target: label, split: {test: 0.2, validation: 0.25}}
model:
  layers:
    - {type: dense, units: 4, activation: relu}
    - {type: dropout, rate: 0.3}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
  metrics: [accuracy]
train: {optimizer: {type: adam, learning_rate: $lr}, batch_size: 16, epochs: 6}
search:
  strategy: grid
  metric: val_accuracy
  parameters:
    lr: {values: [0.01, 0.03, 0.3, 1.0]}
execution: {seed: 7, storage: study.db, output: out}
)";

// A study over a program whose score is its argument: the values and so the ranking are known.
std::string scoreStudy(const std::string& goal) {
  return R"(name: score-study
objective: {command: [sh, program.sh, $x]}
search:
  strategy: grid
  metric: {name: score, goal: )" +
         goal + R"(}
  parameters:
    x: {values: [3, 1, 4, 1.5, 5, 2]}
execution: {seed: 3, storage: study.db, output: out, parallel_trials: 1}
)";
}

class StudyResultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = test::scratchDir(std::string("results-") + info->name());
    test::writeSeparableCsv(dir_ / "toy.csv", 400);
  }

  std::filesystem::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }

  ProcessResult tunelab(const std::vector<std::string>& arguments) const {
    return runTunelab(arguments, dir_);
  }

  ProcessResult runStudy(const std::string& yaml) const {
    write("exp.yaml", yaml);
    return tunelab({"run", "exp.yaml", "--data-dir", dir_.string()});
  }

  std::filesystem::path dir_;
};

// The rows `tunelab best` / `tunelab status` list under their column header: trial id and the
// value as printed.
std::vector<std::pair<TrialId, double>> listedTrials(const std::string& output) {
  std::vector<std::pair<TrialId, double>> rows;
  std::istringstream lines(output);
  bool inTable = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("  trial ")) {
      inTable = true;
      continue;
    }
    if (!inTable) continue;
    std::istringstream cells(line);
    TrialId id = -1;
    double value = 0;
    if (!(cells >> id >> value)) break;
    rows.emplace_back(id, value);
  }
  return rows;
}

TEST_F(StudyResultsTest, MaximizedMetricRanksEachTrialByItsHighestEpochAndSavesTheBestModel) {
  const ProcessResult run = runStudy(kAccuracyStudy);
  ASSERT_EQ(run.code, 0) << run.err << run.out;
  EXPECT_THAT(run.out, HasSubstr("metric val_accuracy (maximize)"));

  StudyStore store(dir_ / "study.db");
  const auto trials = store.trials();
  ASSERT_EQ(trials.size(), 4U);
  std::map<TrialId, double> highest;
  bool someBestIsNotTheWorst = false;
  bool someBestIsNotTheLast = false;
  for (const auto& t : trials) {
    ASSERT_EQ(t.status, TrialStatus::Complete) << t.error;
    const auto epochs = store.epochs(t.id, t.backend);
    ASSERT_EQ(epochs.size(), 6U);
    double hi = -1;
    double lo = 2;
    for (const auto& e : epochs) {
      hi = std::max(hi, e.values.at("val_accuracy"));
      lo = std::min(lo, e.values.at("val_accuracy"));
    }
    highest[t.id] = hi;
    someBestIsNotTheWorst = someBestIsNotTheWorst || hi > lo;
    someBestIsNotTheLast = someBestIsNotTheLast || hi > epochs.back().values.at("val_accuracy");
    ASSERT_TRUE(t.value.has_value()) << "trial " << t.id;
    EXPECT_DOUBLE_EQ(*t.value, hi) << "trial " << t.id << ": its highest val_accuracy";
  }
  // Otherwise the study could not tell the highest epoch from the lowest or the last one.
  ASSERT_TRUE(someBestIsNotTheWorst && someBestIsNotTheLast) << "the curves must go up and down";
  double studyBest = -1;
  for (const auto& [id, value] : highest) studyBest = std::max(studyBest, value);

  // results.csv: the same value per trial.
  const auto csv = test::readCsvCells(dir_ / "out" / "results.csv");
  ASSERT_EQ(csv.size(), 5U);
  ASSERT_EQ(csv[0][0], "trial");
  ASSERT_EQ(csv[0][3], "value");
  for (std::size_t r = 1; r < csv.size(); ++r) {
    const TrialId id = std::stoi(csv[r][0]);
    EXPECT_NEAR(std::stod(csv[r][3]), highest.at(id), 1e-8) << "results.csv, trial " << id;
  }

  // The best trial, as `tunelab best` lists it and as the saved model names it.
  const ProcessResult best = tunelab({"best", "exp.yaml", "-n", "1"});
  ASSERT_EQ(best.code, 0) << best.err;
  const auto listed = listedTrials(best.out);
  ASSERT_EQ(listed.size(), 1U) << best.out;
  EXPECT_EQ(highest.at(listed[0].first), studyBest) << best.out;

  std::smatch saved;
  ASSERT_TRUE(std::regex_search(run.out, saved, std::regex(R"(Best model \(trial (\d+)\) saved)")))
      << "no best model saved:\n"
      << run.out;
  EXPECT_EQ(highest.at(std::stoi(saved[1].str())), studyBest) << run.out;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "out" / "best_model.tunelab"));
}

TEST_F(StudyResultsTest, BestListsTheKHighestTrialsOfAMaximizedMetricHighestFirst) {
  write("program.sh", "echo \"{\\\"score\\\": $1}\"\n");
  ASSERT_EQ(runStudy(scoreStudy("maximize")).code, 0);
  const ProcessResult best = tunelab({"best", "exp.yaml", "-n", "3"});
  ASSERT_EQ(best.code, 0) << best.err;
  EXPECT_THAT(best.out, HasSubstr("Best trials by score (maximize):"));
  // x = 5, 4, 3 were trials 4, 2 and 0.
  const std::vector<std::pair<TrialId, double>> expected{{4, 5.0}, {2, 4.0}, {0, 3.0}};
  EXPECT_EQ(listedTrials(best.out), expected) << best.out;
}

TEST_F(StudyResultsTest, BestListsTheKLowestTrialsOfAMinimizedMetricLowestFirst) {
  write("program.sh", "echo \"{\\\"score\\\": $1}\"\n");
  ASSERT_EQ(runStudy(scoreStudy("minimize")).code, 0);
  // Read from the database alone: the goal is the one stored with the study.
  const ProcessResult best = tunelab({"best", "study.db", "-n", "4"});
  ASSERT_EQ(best.code, 0) << best.err;
  EXPECT_THAT(best.out, HasSubstr("Best trials by score (minimize):"));
  // x = 1, 1.5, 2, 3 were trials 1, 3, 5 and 0.
  const std::vector<std::pair<TrialId, double>> expected{{1, 1.0}, {3, 1.5}, {5, 2.0}, {0, 3.0}};
  EXPECT_EQ(listedTrials(best.out), expected) << best.out;
}

TEST_F(StudyResultsTest, StatusCountsTrialsByStateNamesTheBestSoFarAndWhatResumes) {
  // x = 2 fails; x = 4 is still running when the study is interrupted.
  write("program.sh", R"(if [ "$1" = 2 ]; then echo "no good" >&2; exit 1; fi
if [ "$1" = 4 ]; then touch started-4; sleep 60; fi
echo "{\"score\": $1}"
)");
  std::string yaml = scoreStudy("minimize");
  yaml.replace(yaml.find("[3, 1, 4, 1.5, 5, 2]"), 20, "[3, 1, 2, 4]");
  write("exp.yaml", yaml);
  test::TunelabProcess run({"run", "exp.yaml"}, dir_);
  while (!std::filesystem::exists(dir_ / "started-4") && !run.ended()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  kill(run.pid(), SIGINT);
  const ProcessResult stopped = run.wait();
  ASSERT_EQ(stopped.code, 130) << stopped.out << stopped.err;

  const ProcessResult status = tunelab({"status", "exp.yaml"});
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("Study 'score-study' (grid) in study.db"));
  EXPECT_THAT(status.out, HasSubstr("Trials: 2 complete 1 failed 1 interrupted\n"));
  EXPECT_THAT(status.out, HasSubstr("Best trials by score (minimize):"));
  const std::vector<std::pair<TrialId, double>> best{{1, 1.0}};
  EXPECT_EQ(listedTrials(status.out), best) << status.out;
  EXPECT_THAT(status.out, HasSubstr("1 trials did not finish; tunelab run resumes them"));
}

}  // namespace
}  // namespace tunelab
