// `tunelab predict` on models of every task, as a user runs it: which columns the output has
// and what its values mean, and input files whose columns come in another order or with
// columns the model does not use.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <regex>

#include "core/Rng.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using test::ProcessResult;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class PredictOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = test::scratchDir(std::string("predict-output-") + info->name());
  }

  // `tunelab train` on `csv` with `model` and `train` sections; the model file it saves.
  std::filesystem::path train(const std::string& data, const std::string& model,
                              const std::string& trainSection) const {
    std::ofstream(dir_ / "exp.yaml") << "name: predicted\ndata: " << data << "\nmodel:\n"
                                     << model << "train: " << trainSection << "\n";
    const ProcessResult r = test::runTunelab({"train", "exp.yaml", "-q", "-o", "out"}, dir_);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    return dir_ / "out" / "model.tunelab";
  }

  ProcessResult predict(const std::filesystem::path& model, const std::string& csv,
                        const std::string& output) const {
    return test::runTunelab({"predict", model.string(), csv, "-o", output}, dir_);
  }

  std::filesystem::path dir_;
};

// The number `predict` printed after `name` on its "On the <target> column" line.
double printedScore(const std::string& out, const std::string& name) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(out, m, std::regex(" " + name + " ([-0-9.e+]+)"))) << out;
  return m.empty() ? std::nan("") : std::stod(m[1].str());
}

TEST_F(PredictOutputTest, ColumnsInAnotherOrderAndExtraColumnsGiveTheSamePredictions) {
  test::writeSeparableCsv(dir_ / "toy.csv", 200);
  const auto model = train("{source: toy.csv, target: label}",
                           "  layers:\n"
                           "    - {type: dense, units: 4, activation: relu}\n"
                           "    - {type: dense, units: 1, activation: sigmoid}\n"
                           "  loss: binary_crossentropy\n",
                           "{epochs: 3, optimizer: {type: adam, learning_rate: 0.05}}");
  ASSERT_EQ(predict(model, "toy.csv", "original.csv").code, 0);

  // The same rows as: label, note (text), x1, weight (a number), x0.
  const auto rows = test::readCsvCells(dir_ / "toy.csv");
  std::ofstream shuffled(dir_ / "shuffled.csv");
  shuffled << "label,note,x1,weight,x0\n";
  for (std::size_t r = 1; r < rows.size(); ++r) {
    shuffled << rows[r][2] << ",row " << r << "," << rows[r][1] << "," << r * 7 % 13 << ","
             << rows[r][0] << "\n";
  }
  shuffled.close();
  const ProcessResult p = predict(model, "shuffled.csv", "reordered.csv");
  ASSERT_EQ(p.code, 0) << p.err;
  EXPECT_THAT(p.out, HasSubstr("Wrote 200 predictions to reordered.csv"));
  const auto original = test::readCsvCells(dir_ / "original.csv");
  const auto reordered = test::readCsvCells(dir_ / "reordered.csv");
  ASSERT_EQ(original.size(), 201U);
  ASSERT_EQ(reordered.size(), original.size());
  for (std::size_t r = 0; r < original.size(); ++r) {
    ASSERT_EQ(reordered[r], original[r]) << "row " << r;
  }
}

// Three classes by x0's third: the output names the class and gives one probability per class.
TEST_F(PredictOutputTest, MulticlassOutputIsTheLikeliestClassAndAProbabilityPerClass) {
  std::ofstream csv(dir_ / "colours.csv");
  csv << "x0,x1,colour\n";
  Rng rng(7);
  for (int i = 0; i < 300; ++i) {
    const float a = rng.uniform();
    csv << a << "," << rng.uniform() << ","
        << (a < 0.33F   ? "red"
            : a < 0.66F ? "green"
                        : "blue")
        << "\n";
  }
  csv.close();
  const auto model = train("{source: colours.csv, target: colour}",
                           "  layers:\n"
                           "    - {type: dense, units: 16, activation: relu}\n"
                           "    - {type: dense, units: 3, activation: softmax}\n"
                           "  loss: sparse_categorical_crossentropy\n"
                           "  metrics: [accuracy]\n",
                           "{epochs: 30, batch_size: 16, optimizer: {type: adam, "
                           "learning_rate: 0.05}}");
  const ProcessResult p = predict(model, "colours.csv", "predictions.csv");
  ASSERT_EQ(p.code, 0) << p.err;

  const auto truth = test::readCsvCells(dir_ / "colours.csv");
  const auto out = test::readCsvCells(dir_ / "predictions.csv");
  ASSERT_EQ(out.size(), truth.size());
  ASSERT_THAT(out[0],
              ElementsAre("colour", "probability_blue", "probability_green", "probability_red"));
  const std::vector<std::string> classes{"blue", "green", "red"};
  int right = 0;
  for (std::size_t r = 1; r < out.size(); ++r) {
    ASSERT_EQ(out[r].size(), 4U) << "row " << r;
    double sum = 0;
    std::size_t likeliest = 0;
    for (std::size_t c = 0; c < 3; ++c) {
      const double probability = std::stod(out[r][c + 1]);
      EXPECT_GE(probability, 0.0);
      sum += probability;
      if (probability > std::stod(out[r][likeliest + 1])) likeliest = c;
    }
    EXPECT_NEAR(sum, 1.0, 1e-5) << "row " << r;
    EXPECT_EQ(out[r][0], classes[likeliest]) << "row " << r;
    right += out[r][0] == truth[r][2] ? 1 : 0;
  }
  const double accuracy = right / 300.0;
  EXPECT_GT(accuracy, 0.9) << "the model learned the classes";
  EXPECT_NEAR(printedScore(p.out, "accuracy"), accuracy, 1e-4) << p.out;
}

// A target in the hundreds, learned on a standardised scale: predictions come back in the
// target's own units.
TEST_F(PredictOutputTest, RegressionOutputIsInTheTargetsOwnUnits) {
  std::ofstream csv(dir_ / "prices.csv");
  csv << "x0,x1,price\n";
  Rng rng(6);
  for (int i = 0; i < 300; ++i) {
    const double a = rng.uniform();
    const double b = rng.uniform();
    csv << a << "," << b << "," << 1000.0 + 200.0 * a - 100.0 * b << "\n";
  }
  csv.close();
  const auto model =
      train("{source: prices.csv, target: price, preprocess: {target_scaling: standard}}",
            "  layers:\n"
            "    - {type: dense, units: 1}\n"
            "  loss: mse\n"
            "  metrics: [mae]\n",
            "{epochs: 40, batch_size: 16, optimizer: {type: adam, learning_rate: 0.05}}");
  const ProcessResult p = predict(model, "prices.csv", "predictions.csv");
  ASSERT_EQ(p.code, 0) << p.err;

  const auto truth = test::readCsvCells(dir_ / "prices.csv");
  const auto out = test::readCsvCells(dir_ / "predictions.csv");
  ASSERT_EQ(out.size(), truth.size());
  ASSERT_THAT(out[0], ElementsAre("price"));
  double absoluteError = 0;
  for (std::size_t r = 1; r < out.size(); ++r) {
    ASSERT_EQ(out[r].size(), 1U) << "row " << r;
    absoluteError += std::abs(std::stod(out[r][0]) - std::stod(truth[r][2]));
  }
  // The prices spread over about 300 units; a linear model fits them almost exactly.
  EXPECT_LT(absoluteError / 300.0, 1.0);
}

}  // namespace
}  // namespace tunelab
