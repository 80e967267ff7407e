// Every Keras optimizer trains the MAGIC model (experiments/configs/magic.yaml) to better than
// the majority class in three epochs: the classic Keras grid over optimizers runs.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "core/Optimizer.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/cli/TrainCommand.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

// MAGIC's majority class (g) is 12332 of 19020 rows.
constexpr double kMajorityShare = 12332.0 / 19020.0;

// `optimizer` is the optimizer's mapping, its learning rate $lr (magic.yaml's parameter).
double validationAccuracy(const std::string& optimizer, double learningRate) {
  TrainArguments args;
  args.experiment = test::sourceDir() / "experiments" / "configs" / "magic.yaml";
  args.overrides = {"train.epochs=3", "train.optimizer=" + optimizer,
                    "search.parameters.lr.value=" + std::to_string(learningRate)};
  args.dataDirs = test::dataLocations().dataDirs;
  args.output = test::scratchDir("optimizer-training");
  args.quiet = true;
  std::ostringstream out;
  std::ostringstream err;
  TrainReport report;
  EXPECT_EQ(runTrain(args, out, err, &report), kExitOk) << optimizer << ": " << err.str();
  if (report.fit.history.empty()) return 0.0;
  return report.fit.history.back().values.at("val_accuracy");
}

TEST(OptimizerTraining, EveryKerasOptimizerBeatsTheMajorityClassOnMagic) {
  // A test of what the optimizers learn; KerasOptimizerTest checks each update step's numbers
  // under the sanitizers.
  if (test::kSanitized) GTEST_SKIP() << "training is too slow under sanitizers";
  TUNELAB_REQUIRE_DATASET("magic04");
  // Keras' default learning rates, except where the default is known to crawl (Adadelta's
  // 0.001; its paper uses 1.0) or, for SGD, Adagrad, Ftrl and Lamb, needs more than 3 epochs
  // (Ftrl, made for linear models, stays at the majority class for 3 epochs at 0.05).
  struct Choice {
    std::string extra;
    double learningRate;
  };
  const std::map<std::string, Choice> faster = {{"sgd", {", momentum: 0.9", 0.05}},
                                                {"adagrad", {"", 0.05}},
                                                {"adadelta", {"", 1.0}},
                                                {"ftrl", {"", 0.2}},
                                                {"lamb", {"", 0.01}}};
  for (const auto& name : optimizerNames()) {
    const auto tuned = faster.find(name);
    const Choice choice = tuned == faster.end() ? Choice{"", 0.001} : tuned->second;
    const std::string optimizer = "{type: " + name + ", learning_rate: $lr" + choice.extra + "}";
    const double accuracy = validationAccuracy(optimizer, choice.learningRate);
    EXPECT_GT(accuracy, kMajorityShare + 0.1) << optimizer;
    RecordProperty(name, std::to_string(accuracy));
  }
}

}  // namespace
}  // namespace tunelab
