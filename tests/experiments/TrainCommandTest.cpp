// `tunelab train` as a user meets it: good files train, bad files get a located message and
// exit code 2, a divergent run ends as diverged with its history kept.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "experiments/cli/ExitCode.h"
#include "experiments/cli/TrainCommand.h"
#include "tests/support/ReportPage.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

class TrainCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = test::scratchDir(std::string("train-") + info->name());
    test::writeSeparableCsv(dir_ / "toy.csv", 200);
  }

  std::filesystem::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }

  Outcome train(const std::string& yaml, std::vector<std::string> overrides = {}) {
    TrainArguments args;
    args.experiment = write("exp.yaml", yaml);
    args.overrides = std::move(overrides);
    args.output = dir_ / "out";
    args.quiet = true;
    std::ostringstream out;
    std::ostringstream err;
    Outcome o;
    o.code = runTrain(args, out, err);
    o.out = out.str();
    o.err = err.str();
    return o;
  }

  std::string toyExperiment(const std::string& model, const std::string& train = "epochs: 3") {
    return "name: toy\n"
           "data:\n  source: " +
           (dir_ / "toy.csv").string() +
           "\n  target: label\n"
           "model:\n" +
           model + "train:\n  " + train + "\n";
  }

  std::string goodModel() {
    return "  layers:\n"
           "    - {type: dense, units: 8, activation: relu}\n"
           "    - {type: dropout, rate: 0.1}\n"
           "    - {type: dense, units: 1, activation: sigmoid}\n"
           "  loss: binary_crossentropy\n"
           "  metrics: [accuracy]\n";
  }

  std::filesystem::path dir_;
};

TEST_F(TrainCommandTest, TrainsAndWritesHistory) {
  const auto o = train(toyExperiment(goodModel()));
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_THAT(o.out, HasSubstr("Total params: 33"));
  EXPECT_THAT(o.out, HasSubstr("Test: - loss:"));
  std::ifstream history(dir_ / "out" / "history.csv");
  std::string header;
  std::getline(history, header);
  EXPECT_EQ(header, "epoch,seconds,learning_rate,accuracy,loss,val_accuracy,val_loss");
  int rows = 0;
  for (std::string line; std::getline(history, line);) ++rows;
  EXPECT_EQ(rows, 3);
}

TEST_F(TrainCommandTest, SameFileAndSeedGiveIdenticalHistories) {
  auto read = [&] {
    std::ifstream in(dir_ / "out" / "history.csv");
    std::string all;
    for (std::string line; std::getline(in, line);) {
      all += line.substr(line.find(',', line.find(',') + 1)) + "\n";  // drop epoch, seconds
    }
    return all;
  };
  ASSERT_EQ(train(toyExperiment(goodModel())).code, kExitOk);
  const std::string first = read();
  ASSERT_EQ(train(toyExperiment(goodModel())).code, kExitOk);
  EXPECT_EQ(read(), first);
}

TEST_F(TrainCommandTest, MissingExperimentFile) {
  TrainArguments args;
  args.experiment = dir_ / "nope.yaml";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(runTrain(args, out, err), kExitBadInput);
  EXPECT_THAT(err.str(), AllOf(HasSubstr("nope.yaml"), HasSubstr("no such file")));
}

TEST_F(TrainCommandTest, MissingDataFile) {
  auto yaml = toyExperiment(goodModel());
  yaml.replace(yaml.find("toy.csv"), 7, "gone.csv");
  const auto o = train(yaml);
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, HasSubstr("gone.csv"));
}

TEST_F(TrainCommandTest, CsvRowWithWrongFieldCountNamesTheLine) {
  write("toy.csv", "x0,x1,label\n0.1,0.2,yes\n0.3,no\n");
  const auto o = train(toyExperiment(goodModel()));
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, AllOf(HasSubstr("toy.csv:3"), HasSubstr("field")));
}

TEST_F(TrainCommandTest, NonNumericValueNamesLineAndColumn) {
  write("toy.csv", "x0,x1,label\n0.1,0.2,yes\n0.3,abc,no\n");
  auto yaml = toyExperiment(goodModel());
  yaml.replace(yaml.find("  target: label"), 15, "  target: label\n  columns: {x1: numeric}");
  const auto o = train(yaml);
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, AllOf(HasSubstr("toy.csv:3"), HasSubstr("x1"), HasSubstr("abc")));
}

TEST_F(TrainCommandTest, UnknownTargetListsColumns) {
  auto yaml = toyExperiment(goodModel());
  yaml.replace(yaml.find("target: label"), 13, "target: lable");
  const auto o = train(yaml);
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, AllOf(HasSubstr("lable"), HasSubstr("x0"), HasSubstr("label")));
}

TEST_F(TrainCommandTest, EmptyDataSet) {
  write("toy.csv", "x0,x1,label\n");
  const auto o = train(toyExperiment(goodModel()));
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, AllOf(HasSubstr("toy.csv"), HasSubstr("no data")));
}

TEST_F(TrainCommandTest, YamlSyntaxErrorIsLocated) {
  const auto o = train("name: toy\nmodel:\n  layers: [\n  loss: mse\n");
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, AllOf(HasSubstr("exp.yaml:"), HasSubstr("YAML syntax error")));
}

TEST_F(TrainCommandTest, UnknownKeySuggestsTheNearest) {
  const auto o = train(toyExperiment(goodModel(), "epochs: 3\n  bach_size: 16"));
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, AllOf(HasSubstr("exp.yaml:14:3"), HasSubstr("train.bach_size"),
                           HasSubstr("did you mean 'batch_size'")));
}

TEST_F(TrainCommandTest, NegativeUnitsIsLocated) {
  auto model = goodModel();
  model.replace(model.find("units: 8"), 8, "units: -4");
  const auto o = train(toyExperiment(model));
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, AllOf(HasSubstr("exp.yaml:7:"), HasSubstr("model.layers[0].units")));
}

TEST_F(TrainCommandTest, DropoutRateOutOfRange) {
  auto model = goodModel();
  model.replace(model.find("rate: 0.1"), 9, "rate: 1.5");
  const auto o = train(toyExperiment(model));
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, AllOf(HasSubstr("model.layers[1].rate"), HasSubstr("1.5")));
}

TEST_F(TrainCommandTest, BatchSizeZero) {
  const auto o = train(toyExperiment(goodModel(), "epochs: 3\n  batch_size: 0"));
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, AllOf(HasSubstr("train.batch_size"), HasSubstr(">= 1")));
}

TEST_F(TrainCommandTest, UnknownActivationListsValidOnes) {
  auto model = goodModel();
  model.replace(model.find("activation: relu"), 16, "activation: rellu");
  const auto o = train(toyExperiment(model));
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, AllOf(HasSubstr("model.layers[0]"), HasSubstr("rellu"), HasSubstr("relu"),
                           HasSubstr("sigmoid"), HasSubstr("tanh")));
}

TEST_F(TrainCommandTest, UnknownOptimizerListsValidOnes) {
  const auto o = train(toyExperiment(goodModel(), "epochs: 3\n  optimizer: adamm"));
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, AllOf(HasSubstr("adamm"), HasSubstr("sgd"), HasSubstr("rmsprop")));
}

TEST_F(TrainCommandTest, OutputLayerThatDoesNotFitTheLoss) {
  auto model = goodModel();
  model.replace(model.find("units: 1, activation: sigmoid"), 29, "units: 3, activation: sigmoid");
  const auto o = train(toyExperiment(model));
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(
      o.err, AllOf(HasSubstr("model.layers[2]"), HasSubstr("binary_crossentropy"), HasSubstr("3")));
}

TEST_F(TrainCommandTest, UnknownParameterReference) {
  auto model = goodModel();
  model.replace(model.find("units: 8"), 8, "units: $nodes");
  const auto o = train(toyExperiment(model));
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, AllOf(HasSubstr("model.layers[0].units"), HasSubstr("$nodes")));
}

TEST_F(TrainCommandTest, OverrideFromCommandLine) {
  const auto o = train(toyExperiment(goodModel()), {"train.epochs=2", "model.layers[0].units=4"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_THAT(o.out, HasSubstr("Total params: 17"));  // 2*4+4 + 4*1+1
  EXPECT_THAT(o.out, HasSubstr("after 2 epochs"));
}

TEST_F(TrainCommandTest, DivergentRunEndsAsDivergedAndKeepsHistory) {
  // Linear hidden units: a huge step cannot kill them (as it would ReLUs), so weights explode.
  auto model = goodModel();
  model.replace(model.find("activation: relu"), 16, "activation: linear");
  const auto o = train(
      toyExperiment(model, "epochs: 20\n  optimizer: {type: sgd, learning_rate: 1000000000.0}"));
  EXPECT_EQ(o.code, kExitDiverged) << o.err << o.out;
  EXPECT_THAT(o.out, HasSubstr("diverged"));
  std::ifstream history(dir_ / "out" / "history.csv");
  int rows = -1;
  std::string last;
  for (std::string line; std::getline(history, line);) {
    ++rows;
    last = line;
  }
  EXPECT_GE(rows, 1);
  EXPECT_LT(rows, 20);
  EXPECT_THAT(last, ::testing::AnyOf(HasSubstr("nan"), HasSubstr("inf")));
}

// Exit code 4: the results cannot be written (here the model file's name is taken by a
// directory). The user is told which file, and no half-written file is left behind.
TEST_F(TrainCommandTest, ModelThatCannotBeWrittenExitsFourAndLeavesNoPartialFile) {
  std::filesystem::create_directories(dir_ / "out" / "model.tunelab");
  const auto o = train(toyExperiment(goodModel()));
  EXPECT_EQ(o.code, kExitOutput) << o.out << o.err;
  EXPECT_THAT(o.err, HasSubstr((dir_ / "out" / "model.tunelab").string() + ": is a directory"));
  std::vector<std::string> left;
  for (const auto& entry : std::filesystem::directory_iterator(dir_ / "out")) {
    left.push_back(entry.path().filename().string());
  }
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"history.csv", "model.tunelab", "report.html",
                                            "summary.txt"}));
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "out" / "model.tunelab"));
}

// report.html of `tunelab train`: the model's curves per epoch (each value with its val_ twin,
// as Keras records them), the epoch whose weights it keeps, the test metrics and the summary.
TEST_F(TrainCommandTest, TrainWritesAReportWithTheModelsCurvesTestMetricsAndSummary) {
  const auto o = train(toyExperiment(goodModel()));
  ASSERT_EQ(o.code, kExitOk) << o.out << o.err;
  const std::string html = test::readText(dir_ / "out" / "report.html");
  const nlohmann::json data = test::reportDataOf(html);
  EXPECT_EQ(data.at("mode"), "train");
  ASSERT_EQ(data.at("trials").size(), 1U);
  const auto& curves = data.at("trials")[0].at("curves");
  const auto history = test::readCsvCells(dir_ / "out" / "history.csv");
  ASSERT_EQ(curves.at("epoch").size() + 1, history.size()) << "one point per epoch of history.csv";
  for (const auto* name : {"loss", "val_loss", "accuracy", "val_accuracy"}) {
    const auto column = std::find(history[0].begin(), history[0].end(), name) - history[0].begin();
    ASSERT_LT(static_cast<std::size_t>(column), history[0].size()) << name;
    for (std::size_t e = 1; e < history.size(); ++e) {
      const double expected = std::stod(history[e][static_cast<std::size_t>(column)]);
      EXPECT_NEAR(curves.at("values").at(name)[e - 1].get<double>(), expected,
                  1e-5 * std::abs(expected))
          << name << " at epoch " << e;
    }
  }
  EXPECT_THAT(html, HasSubstr("<p class=\"best\">Test: accuracy <b>"));
  EXPECT_THAT(html, HasSubstr("<details open><summary>Model</summary><pre>"));
}

}  // namespace
}  // namespace tunelab
