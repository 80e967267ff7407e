// Regression metrics a user reads are in the target's own units, also when the target is
// scaled for training: `tunelab train`'s lines, history.csv, `tunelab predict`, and a study's
// store, results.csv and `tunelab best` agree with the mean absolute error computed directly
// from the predictions.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <regex>

#include "core/Rng.h"
#include "core/data/PrepareData.h"
#include "experiments/config/TrainingSpec.h"
#include "experiments/files/ModelFile.h"
#include "experiments/store/StudyStore.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using test::ProcessResult;

// price = 2000 + 5000 x0 - 3000 x1 + noise of +-150: a target in the thousands.
void writePrices(const std::filesystem::path& file, int rows) {
  std::ofstream csv(file);
  csv << "x0,x1,price\n";
  Rng rng(3);
  for (int i = 0; i < rows; ++i) {
    const double a = rng.uniform();
    const double b = rng.uniform();
    const double noise = 300.0 * (rng.uniform() - 0.5);
    csv << a << "," << b << "," << 2000.0 + 5000.0 * a - 3000.0 * b + noise << "\n";
  }
}

constexpr const char* kPrices = R"(name: prices
data:
  source: prices.csv
  target: price
  task: regression
  preprocess: {numeric: standard, target_scaling: standard}
  split: {test: 0.25, validation: 0.25}
model:
  layers:
    - {type: dense, units: 16, activation: relu}
    - {type: dense, units: 1}
  loss: mse
  metrics: [mae, rmse]
train: {optimizer: {type: adam, learning_rate: $lr}, batch_size: 16, epochs: 15}
search:
  strategy: grid
  metric: val_mae
  parameters:
    lr: {values: [0.01, 0.003]}
execution: {seed: 5, storage: study.db, output: out}
)";

// The number after `name` (as "mae 123.4" or "mae: 123.4") in `text`.
double printed(const std::string& text, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex("[ -]" + name + ":? ([-0-9.e+]+)"))) {
    return std::nan("");
  }
  return std::stod(m[1].str());
}

// The mean absolute error of predictions.csv against the target column of `data`.
double directMae(const std::filesystem::path& predictions, const std::filesystem::path& data) {
  const auto predicted = test::readCsvCells(predictions);
  const auto actual = test::readCsvCells(data);
  EXPECT_EQ(predicted.size(), actual.size());
  double sum = 0;
  for (std::size_t r = 1; r < predicted.size(); ++r) {
    sum += std::abs(std::stod(predicted[r].at(0)) - std::stod(actual[r].at(2)));
  }
  return sum / static_cast<double>(predicted.size() - 1);
}

// The test rows of the study's split, as a CSV file.
std::filesystem::path writeTestRows(const std::filesystem::path& dir, const nlohmann::json& exp) {
  const TrainingSpec spec = parseTrainingSpec(exp);
  const PreparedData data = prepareData(spec.data, {{dir}, {}, {}, false}, 5);
  std::ifstream in(dir / "prices.csv");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::ofstream out(dir / "test_rows.csv");
  out << lines.at(0) << "\n";
  for (const auto line : data.testLines) out << lines.at(line - 1) << "\n";
  return dir / "test_rows.csv";
}

class TargetUnitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = test::scratchDir(std::string("units-") + info->name());
    writePrices(dir_ / "prices.csv", 400);
    std::ofstream(dir_ / "exp.yaml") << kPrices;
  }
  ProcessResult tunelab(const std::vector<std::string>& arguments) const {
    return test::runTunelab(arguments, dir_);
  }
  std::filesystem::path dir_;
};

TEST_F(TargetUnitsTest, TrainAndPredictPrintMaeInTheTargetsUnits) {
  const ProcessResult train =
      tunelab({"train", "exp.yaml", "--set", "search.parameters.lr={value: 0.01}", "--output",
               "run", "--data-dir", dir_.string()});
  ASSERT_EQ(train.code, 0) << train.err << train.out;
  // The test rows' mae as train prints it, and as predict computes it from its own predictions.
  const double trainTestMae = printed(train.out.substr(train.out.find("Test:")), "mae");
  const auto testRows = writeTestRows(dir_, loadModel(dir_ / "run" / "model.tunelab").experiment);
  const ProcessResult predict =
      tunelab({"predict", "run/model.tunelab", testRows.string(), "--output", "predictions.csv"});
  ASSERT_EQ(predict.code, 0) << predict.err;
  const double direct = directMae(dir_ / "predictions.csv", testRows);
  EXPECT_GT(direct, 20.0) << "predictions in dollars are off by more than a fraction of one";
  EXPECT_NEAR(printed(predict.out, "mae"), direct, 1e-3 * direct) << predict.out;
  EXPECT_NEAR(trainTestMae, direct, 1e-3 * direct) << train.out;
  // The validation mae of each epoch is in the same units as the test rows'.
  const double lastValMae = printed(train.out.substr(train.out.rfind("Epoch 15/15")), "val_mae");
  EXPECT_GT(lastValMae, 0.3 * direct) << train.out;
  EXPECT_LT(lastValMae, 3.0 * direct) << train.out;
  const auto history = test::readCsvCells(dir_ / "run" / "history.csv");
  const auto col = std::find(history[0].begin(), history[0].end(), "val_mae") - history[0].begin();
  EXPECT_NEAR(std::stod(history.back().at(static_cast<std::size_t>(col))), lastValMae,
              1e-3 * lastValMae);
}

TEST_F(TargetUnitsTest, StudyValuesTestMetricsAndBestAreInTheTargetsUnits) {
  const ProcessResult run = tunelab({"run", "exp.yaml", "--data-dir", dir_.string()});
  ASSERT_EQ(run.code, 0) << run.err << run.out;
  const auto trials = StudyStore(dir_ / "study.db").trials();
  const auto best =
      std::min_element(trials.begin(), trials.end(),
                       [](const auto& a, const auto& b) { return *a.value < *b.value; });
  const auto testRows =
      writeTestRows(dir_, loadModel(dir_ / "out" / "best_model.tunelab").experiment);
  ASSERT_EQ(tunelab({"predict", "out/best_model.tunelab", testRows.string(), "--output",
                     "predictions.csv"})
                .code,
            0);
  const double direct = directMae(dir_ / "predictions.csv", testRows);
  EXPECT_NEAR(best->finalValues.at("test_mae").get<double>(), direct, 1e-3 * direct);
  EXPECT_GT(*best->value, 0.3 * direct) << "val_mae in dollars, as the test mae";
  // results.csv and `tunelab best` show the stored value.
  const auto csv = test::readCsvCells(dir_ / "out" / "results.csv");
  EXPECT_NEAR(std::stod(csv.at(static_cast<std::size_t>(best->id) + 1).at(3)), *best->value,
              1e-6 * *best->value);
  const ProcessResult listed = tunelab({"best", "exp.yaml", "-n", "1"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(listed.out, m, std::regex(R"(\n\s+\d+\s+([-0-9.e+]+))")))
      << listed.out;
  EXPECT_NEAR(std::stod(m[1].str()), *best->value, 1e-3 * *best->value) << listed.out;
}

}  // namespace
}  // namespace tunelab
