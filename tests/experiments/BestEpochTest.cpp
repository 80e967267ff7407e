// One epoch per trial: a trial's value, its best_epoch, its test metrics and its saved model all
// come from the epoch that ranked it (Keras Tuner's objective with
// ModelCheckpoint(save_best_only=True)), as the store, results.csv and `tunelab predict` show.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <regex>

#include "core/data/PrepareData.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/cli/PredictCommand.h"
#include "experiments/config/MetricGoal.h"
#include "experiments/config/TrainingSpec.h"
#include "experiments/files/ModelFile.h"
#include "experiments/store/StudyStore.h"
#include "tests/support/ReportPage.h"
#include "tests/support/StudyFixture.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

// Large learning rates make val_loss curves that go down and up again: most trials are best
// before their last epoch.
constexpr const char* kPeakingStudy = R"(name: peaking
data: {source: toy.csv, target: label, split: {test: 0.2, validation: 0.25}}
model:
  layers:
    - {type: dense, units: 8, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
  metrics: [accuracy]
train: {optimizer: {type: adam, learning_rate: $lr}, batch_size: 8, epochs: 12}
search:
  strategy: grid
  metric: val_loss
  parameters:
    lr: {values: [0.3, 0.1, 0.03, 0.6]}
execution: {seed: 11, storage: study.db}
)";

// The test rows of the data a saved model was trained on, as a CSV file `tunelab predict` reads:
// the header and those lines of the source file.
void writeTestRows(const std::filesystem::path& source, const std::vector<std::size_t>& lines,
                   const std::filesystem::path& to) {
  std::ifstream in(source);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::ofstream out(to);
  out << all.at(0) << "\n";
  for (const auto line : lines) out << all.at(line - 1) << "\n";
}

// The number `name` in the scores line of `tunelab predict`.
double printedScore(const std::string& output, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(output, m, std::regex(" " + name + " ([-0-9.e+]+)"))) return std::nan("");
  return std::stod(m[1].str());
}

class BestEpochTest : public test::StudyFixture {};

TEST_F(BestEpochTest, ValueBestEpochAndItsValuesAreOneEpochInTheStoreAndResultsCsv) {
  const test::Outcome o = run(kPeakingStudy);
  ASSERT_EQ(o.code, kExitOk) << o.err;
  StudyStore store(dir_ / "study.db");
  const MetricGoal goal = MetricGoal::forName("val_loss");
  const auto csv = test::readCsvCells(dir_ / "out" / "results.csv");
  const auto column = [&](const std::string& name) {
    return std::find(csv[0].begin(), csv[0].end(), name) - csv[0].begin();
  };
  ASSERT_LT(column("best_val_loss"), std::ssize(csv[0])) << "results.csv has no best_val_loss";
  int bestBeforeTheLast = 0;
  for (const auto& t : store.trials()) {
    ASSERT_EQ(t.status, TrialStatus::Complete) << t.error;
    const auto epochs = store.epochs(t.id, t.backend);
    const int ranked = goal.bestEpoch(epochs);
    ASSERT_GE(ranked, 1);
    EXPECT_EQ(t.bestEpoch, ranked) << "trial " << t.id;
    const auto& at = epochs.at(static_cast<std::size_t>(ranked - 1)).values;
    EXPECT_DOUBLE_EQ(*t.value, at.at("val_loss")) << "trial " << t.id;
    EXPECT_DOUBLE_EQ(t.finalValues.at("val_loss").get<double>(), at.at("val_loss"));
    EXPECT_DOUBLE_EQ(t.finalValues.at("val_accuracy").get<double>(), at.at("val_accuracy"));
    const auto& row = csv.at(static_cast<std::size_t>(t.id) + 1);
    EXPECT_EQ(std::stoi(row.at(column("best_epoch"))), ranked) << "results.csv, trial " << t.id;
    EXPECT_NEAR(std::stod(row.at(column("value"))), at.at("val_loss"), 1e-8);
    EXPECT_NEAR(std::stod(row.at(column("best_val_loss"))), at.at("val_loss"), 1e-8);
    bestBeforeTheLast += ranked < static_cast<int>(epochs.size()) ? 1 : 0;
  }
  ASSERT_GE(bestBeforeTheLast, 2) << "the curves must peak before their last epoch";
  // report.html: each trial's learning curves are marked at its best epoch.
  const nlohmann::json data = test::reportDataOf(test::readText(dir_ / "out" / "report.html"));
  for (const auto& t : store.trials()) {
    const auto shown = std::find_if(data.at("trials").begin(), data.at("trials").end(),
                                    [&](const auto& j) { return j.at("id") == t.id; });
    ASSERT_NE(shown, data.at("trials").end());
    EXPECT_EQ(shown->at("best_epoch"), t.bestEpoch);
  }
}

// A trial's test metrics are those of its best epoch's weights: the same configuration trained
// for exactly that many epochs (same trial, same seed) scores the same on the test rows.
TEST_F(BestEpochTest, TestMetricsAreThoseOfTheBestEpochsWeights) {
  ASSERT_EQ(run(kPeakingStudy).code, kExitOk);
  std::vector<TrialRecord> full;
  { full = StudyStore(dir_ / "study.db").trials(); }
  const auto peaked = std::find_if(full.begin(), full.end(),
                                   [](const TrialRecord& t) { return t.bestEpoch < t.epochs; });
  ASSERT_NE(peaked, full.end()) << "no trial is best before its last epoch";
  const test::Outcome shorter =
      run(kPeakingStudy,
          {"train.epochs=" + std::to_string(peaked->bestEpoch), "execution.storage=short.db"});
  ASSERT_EQ(shorter.code, kExitOk) << shorter.err;
  const TrialRecord same =
      StudyStore(dir_ / "short.db").trials().at(static_cast<std::size_t>(peaked->id));
  ASSERT_EQ(same.epochs, peaked->bestEpoch);
  for (const char* name : {"test_loss", "test_accuracy"}) {
    EXPECT_DOUBLE_EQ(peaked->finalValues.at(name).get<double>(),
                     same.finalValues.at(name).get<double>())
        << name << " of trial " << peaked->id << " (best at epoch " << peaked->bestEpoch << " of "
        << peaked->epochs << ")";
  }
}

// With k-fold scoring the trial is ranked by its mean curve; its test metrics are each fold's
// at that epoch, averaged: the same as training every fold for exactly that many epochs.
TEST_F(BestEpochTest, CrossValidatedTestMetricsAreTheFoldsAtTheMeanCurvesBestEpoch) {
  const std::string kfold = "train.validation={kfold: 3}";
  ASSERT_EQ(run(kPeakingStudy, {kfold}).code, kExitOk);
  const auto full = StudyStore(dir_ / "study.db").trials();
  const auto peaked = std::find_if(full.begin(), full.end(),
                                   [](const TrialRecord& t) { return t.bestEpoch < t.epochs; });
  ASSERT_NE(peaked, full.end()) << "no trial's mean curve is best before its last epoch";
  const test::Outcome shorter = run(
      kPeakingStudy,
      {kfold, "train.epochs=" + std::to_string(peaked->bestEpoch), "execution.storage=short.db"});
  ASSERT_EQ(shorter.code, kExitOk) << shorter.err;
  const TrialRecord same =
      StudyStore(dir_ / "short.db").trials().at(static_cast<std::size_t>(peaked->id));
  for (const char* name : {"test_loss", "test_accuracy"}) {
    EXPECT_NEAR(peaked->finalValues.at(name).get<double>(), same.finalValues.at(name).get<double>(),
                1e-12)
        << name << " of trial " << peaked->id << " (best at epoch " << peaked->bestEpoch << ")";
  }
}

// The saved best model is the best trial's best epoch: `tunelab predict` on the test rows gives
// the test accuracy and loss the study reported for it.
TEST_F(BestEpochTest, PredictOfTheSavedBestModelOnTheTestRowsGivesTheReportedTestMetrics) {
  ASSERT_EQ(run(kPeakingStudy).code, kExitOk);
  const auto trials = StudyStore(dir_ / "study.db").trials();
  const auto best =
      std::min_element(trials.begin(), trials.end(),
                       [](const auto& a, const auto& b) { return *a.value < *b.value; });
  EXPECT_LT(best->bestEpoch, best->epochs) << "the best trial should peak before its last epoch";
  const auto file = dir_ / "out" / "best_model.tunelab";
  const SavedModel saved = loadModel(file);
  EXPECT_EQ(saved.info.at("trial").get<int>(), best->id);
  EXPECT_EQ(saved.info.at("best_epoch").get<int>(), best->bestEpoch);

  const TrainingSpec spec = parseTrainingSpec(saved.experiment);
  const PreparedData data = prepareData(spec.data, {{dir_}, {}, {}, false}, 11);
  writeTestRows(dir_ / "toy.csv", data.testLines, dir_ / "test_rows.csv");
  const test::Outcome p = predict(file, dir_ / "test_rows.csv");
  ASSERT_EQ(p.code, kExitOk) << p.err;
  EXPECT_THAT(p.out, HasSubstr("Wrote " + std::to_string(data.test.size()) + " predictions"));
  EXPECT_NEAR(printedScore(p.out, "accuracy"), best->finalValues.at("test_accuracy").get<double>(),
              5e-5)
      << p.out;
  EXPECT_NEAR(printedScore(p.out, "loss"), best->finalValues.at("test_loss").get<double>(), 5e-4)
      << p.out;
}

// The issue's must-show, on the reference workload (shortened to 20 epochs): for every trial of
// the MAGIC grid the value is the stored metric at best_epoch in the store, results.csv and
// report.html, `tunelab best` lists the best trial's value, and `tunelab predict` of the saved
// model on the test rows gives the reported test accuracy.
TEST(BestEpochMagic, GridReportCsvBestAndSavedModelAgree) {
  TUNELAB_REQUIRE_DATASET("magic04");
  const auto dir = test::scratchDir("best-epoch-magic");
  const auto magic = test::datasetFile("magic04");
  // 20 epochs by default, 5 under the sanitizers (the file says 100: TUNELAB_MAGIC_EPOCHS=100
  // runs it as it is).
  const char* const asked = std::getenv("TUNELAB_MAGIC_EPOCHS");
  const std::string epochCount = asked != nullptr ? asked : (test::kSanitized ? "5" : "20");
  const std::vector<std::string> common{"--data-dir", magic.parent_path().string(), "--set",
                                        "execution.storage=magic.db"};
  std::vector<std::string> run{
      "run",   (test::sourceDir() / "experiments/configs/magic_grid.yaml").string(),
      "--set", "train.epochs=" + epochCount,
      "--set", "execution.output=out"};
  run.insert(run.end(), common.begin(), common.end());
  const test::ProcessResult ran = test::runTunelab(run, dir);
  ASSERT_EQ(ran.code, 0) << ran.err;

  const MetricGoal goal = MetricGoal::forName("val_loss");
  StudyStore store(dir / "magic.db");
  const auto trials = store.trials();
  ASSERT_EQ(trials.size(), 54U);
  const auto csv = test::readCsvCells(dir / "out" / "results.csv");
  const std::string report = test::readText(dir / "out" / "report.html");
  int before = 0;
  for (const auto& t : trials) {
    ASSERT_EQ(t.status, TrialStatus::Complete) << t.error;
    const auto epochs = store.epochs(t.id, t.backend);
    const int ranked = goal.bestEpoch(epochs);
    EXPECT_EQ(t.bestEpoch, ranked) << "trial " << t.id;
    const double atBest = epochs.at(static_cast<std::size_t>(ranked - 1)).values.at("val_loss");
    EXPECT_DOUBLE_EQ(*t.value, atBest) << "trial " << t.id;
    const auto& row = csv.at(static_cast<std::size_t>(t.id) + 1);
    EXPECT_NEAR(std::stod(row.at(3)), atBest, 1e-8) << "results.csv, trial " << t.id;
    EXPECT_EQ(std::stoi(row.at(5)), ranked) << "results.csv, trial " << t.id;
    before += ranked < t.epochs ? 1 : 0;
  }
  EXPECT_GT(before, 0) << "some trial should be best before its last epoch";
  const auto best =
      std::min_element(trials.begin(), trials.end(),
                       [](const auto& a, const auto& b) { return *a.value < *b.value; });
  std::ostringstream headline;
  headline << "at epoch " << best->bestEpoch;
  EXPECT_THAT(report, HasSubstr(headline.str()));

  std::vector<std::string> listBest{"best", "magic.db", "-n", "1"};
  const test::ProcessResult listed = test::runTunelab(listBest, dir);
  ASSERT_EQ(listed.code, 0) << listed.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(listed.out, m, std::regex(R"(\n\s+(\d+)\s+([-0-9.e+]+))")))
      << listed.out;
  EXPECT_EQ(std::stoi(m[1].str()), best->id) << listed.out;
  EXPECT_NEAR(std::stod(m[2].str()), *best->value, 1e-4) << listed.out;

  const SavedModel saved = loadModel(dir / "out" / "best_model.tunelab");
  EXPECT_EQ(saved.info.at("trial").get<int>(), best->id);
  const TrainingSpec spec = parseTrainingSpec(saved.experiment);
  const PreparedData data = prepareData(spec.data, {{magic.parent_path()}, {}, {}, false}, 42);
  writeTestRows(magic, data.testLines, dir / "test_rows.csv");
  const test::ProcessResult predicted = test::runTunelab(
      {"predict", "out/best_model.tunelab", "test_rows.csv", "--output", "predictions.csv"}, dir);
  ASSERT_EQ(predicted.code, 0) << predicted.err;
  EXPECT_NEAR(printedScore(predicted.out, "accuracy"),
              best->finalValues.at("test_accuracy").get<double>(), 5e-5)
      << predicted.out;
  std::cout << "MAGIC grid (" << epochCount << " epochs): " << trials.size() << " trials, "
            << before << " best before their last epoch; best trial " << best->id << " val_loss "
            << *best->value << " at epoch " << best->bestEpoch << " of " << best->epochs
            << "; reported test_accuracy " << best->finalValues.at("test_accuracy")
            << ", tunelab predict on the " << data.test.size() << " test rows: " << predicted.out;
}

}  // namespace
}  // namespace tunelab
