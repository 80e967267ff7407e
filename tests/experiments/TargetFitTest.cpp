// A loss must read the targets as tunelab encodes them (core/data/Dataset.h). Seen: a softmax
// output of 2 units trained with sparse_categorical_crossentropy on a 3-class target trained
// silently to accuracy 0.667, reading a class index beyond the outputs. Every such mismatch
// stops `tunelab run` before its first trial, `tunelab train` before it trains, and
// `tunelab predict` on a model file whose outputs do not fit its classes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "experiments/cli/ExitCode.h"
#include "experiments/files/ModelFile.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// label = 0, 1 or 2 by which third of [0, 3) x0 + x1 falls in; y = x0 + x1.
void writeThreeClassCsv(const std::filesystem::path& file) {
  std::ofstream out(file);
  out << "x0,x1,y,label\n";
  for (int i = 0; i < 150; ++i) {
    const double x0 = (i * 37 % 150) / 100.0;
    const double x1 = (i * 53 % 150) / 100.0;
    out << x0 << "," << x1 << "," << x0 + x1 << "," << static_cast<int>(x0 + x1) % 3 << "\n";
  }
}

// $TARGET, $UNITS, $ACTIVATION and $LOSS are filled in by each test.
constexpr const char* kExperiment = R"(name: fit
data: {source: three.csv, target: $TARGET, drop: [$DROPPED], split: {test: 0.2, validation: 0.2}}
model:
  layers:
    - {type: dense, units: 4, activation: relu}
    - {type: dense, units: $UNITS, activation: $ACTIVATION}
  loss: $LOSS
train: {epochs: 1, optimizer: {type: adam, learning_rate: $lr}}
search:
  strategy: grid
  parameters:
    lr: {values: [0.01]}
execution: {backend: reference, seed: 1, output: out}
)";

struct Model {
  std::string target = "label";
  std::string units = "3";
  std::string activation = "softmax";
  std::string loss = "sparse_categorical_crossentropy";
};

std::string experimentFor(const Model& m) {
  std::string text = kExperiment;
  auto put = [&](const std::string& key, const std::string& value) {
    text.replace(text.find(key), key.size(), value);
  };
  put("$TARGET", m.target);
  put("$DROPPED", m.target == "label" ? "y" : "label");
  put("$UNITS", m.units);
  put("$ACTIVATION", m.activation);
  put("$LOSS", m.loss);
  return text;
}

class TargetFit : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = test::scratchDir(std::string("target-fit-") + info->name());
    writeThreeClassCsv(dir_ / "three.csv");
  }
  test::ProcessResult tunelab(const std::string& command, const Model& m) {
    std::string text = experimentFor(m);
    if (command == "train") {  // one model: the parameter has one value
      const std::string list = "{values: [0.01]}";
      text.replace(text.find(list), list.size(), "{value: 0.01}");
    }
    std::ofstream(dir_ / "exp.yaml") << text;
    return test::runTunelab({command, "exp.yaml", "--data-dir", dir_.string()}, dir_);
  }
  void expectRefused(const Model& m, const std::string& where, const std::string& message) {
    const auto r = tunelab("run", m);
    EXPECT_EQ(r.code, kExitBadInput) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("exp.yaml:" + where + ": " + message));
    EXPECT_THAT(r.out, Not(HasSubstr("trial 0")));
    EXPECT_FALSE(std::filesystem::exists(dir_ / "out" / "study.db"));
  }

  std::filesystem::path dir_;
};

TEST_F(TargetFit, FewerSoftmaxUnitsThanClassesStopTheRunAtTheOutputLayer) {
  const Model m{"label", "2", "softmax", "sparse_categorical_crossentropy"};
  expectRefused(m, "6:7",
                "model.layers[1]: the output layer has 2 units, but 'label' is a multiclass "
                "target with 3 classes (0, 1, 2); sparse_categorical_crossentropy needs one unit "
                "per class (units: 3)");
}

TEST_F(TargetFit, MoreSoftmaxUnitsThanClassesStopTheRun) {
  const Model m{"label", "4", "softmax", "sparse_categorical_crossentropy"};
  expectRefused(m, "6:7", "model.layers[1]: the output layer has 4 units, but 'label'");
}

TEST_F(TargetFit, BinaryCrossentropyOnThreeClassesStopsTheRunAtTheLoss) {
  Model m{"label", "1", "sigmoid", "binary_crossentropy"};
  expectRefused(m, "7:3",
                "model.loss: binary_crossentropy reads 0/1 targets, but 'label' is a multiclass "
                "target with 3 classes (0, 1, 2); use sparse_categorical_crossentropy with a "
                "softmax output of 3 units");
}

TEST_F(TargetFit, CategoricalCrossentropyOnClassIndicesStopsTheRun) {
  const Model m{"label", "3", "softmax", "categorical_crossentropy"};
  expectRefused(m, "7:3",
                "model.loss: categorical_crossentropy reads one-hot targets, but tunelab encodes "
                "the target as one class index per row");
}

TEST_F(TargetFit, RegressionLossOnClassesStopsTheRun) {
  Model m{"label", "1", "linear", "mse"};
  expectRefused(m, "7:3",
                "model.loss: 'mse' is a regression loss, but 'label' is a multiclass target with "
                "3 classes (0, 1, 2); use sparse_categorical_crossentropy, or set data.task: "
                "regression");
}

TEST_F(TargetFit, ClassificationLossOnARegressionTargetStopsTheRun) {
  expectRefused(Model{"y", "3", "softmax", "sparse_categorical_crossentropy"}, "7:3",
                "model.loss: sparse_categorical_crossentropy reads class indices, but 'y' is a "
                "regression target (numbers); use mse, mae or huber");
  expectRefused(Model{"y", "1", "sigmoid", "binary_crossentropy"}, "7:3",
                "model.loss: binary_crossentropy reads 0/1 targets, but 'y' is a "
                "regression target (numbers); use mse, mae or huber");
}

TEST_F(TargetFit, RegressionOutputWiderThanTheTargetStopsTheRun) {
  Model m{"y", "2", "linear", "mse"};
  expectRefused(m, "6:7",
                "model.layers[1]: the output layer has 2 units, but 'y' is a regression target "
                "(numbers) in 1 column; use units: 1");
}

TEST_F(TargetFit, AFittingModelRuns) {
  const auto r = tunelab("run", Model{});
  EXPECT_EQ(r.code, kExitOk) << r.out << r.err;
}

TEST_F(TargetFit, TrainRefusesTooFewUnitsBeforeTraining) {
  const Model m{"label", "2", "softmax", "sparse_categorical_crossentropy"};
  const auto r = tunelab("train", m);
  EXPECT_EQ(r.code, kExitBadInput) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("exp.yaml:6:7: model.layers[1]: the output layer has 2 units"));
  EXPECT_THAT(r.out, Not(HasSubstr("Epoch 1")));
}

// A model file whose output layer no longer fits its classes (edited by hand, or written by a
// version that did not check) is refused, naming the file, instead of reading past its outputs.
TEST_F(TargetFit, PredictRefusesAModelWhoseOutputsDoNotFitItsClasses) {
  const auto trained = tunelab("train", Model{});
  ASSERT_EQ(trained.code, kExitOk) << trained.err;
  const auto file = dir_ / "runs" / "fit" / "model.tunelab";
  SavedModel saved = loadModel(file);
  saved.experiment["model"]["layers"][1]["units"] = 2;
  saveModel(dir_ / "edited.tunelab", saved);
  const auto r = test::runTunelab({"predict", (dir_ / "edited.tunelab").string(),
                                   (dir_ / "three.csv").string(), "-o", (dir_ / "p.csv").string()},
                                  dir_);
  EXPECT_EQ(r.code, kExitBadInput) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("edited.tunelab: the model does not fit its own data: "
                               "model.layers[1]: the output layer has 2 units, but 'label'"));
}

}  // namespace
}  // namespace tunelab
