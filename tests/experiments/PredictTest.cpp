// The best model of a study is saved with its preprocessing, and `tunelab predict` applies it to
// a CSV file: the saved weights are exactly the best trial's, and bad files get clear errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

#include "core/Graph.h"
#include "core/Loss.h"
#include "core/data/PrepareData.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/cli/PredictCommand.h"
#include "experiments/config/TrainingSpec.h"
#include "experiments/files/ModelFile.h"
#include "experiments/store/StudyStore.h"
#include "plugins/PluginHost.h"
#include "tests/support/StudyFixture.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

constexpr const char* kStudy = R"(name: predict
data: {source: toy.csv, target: label, split: {test: 0.2, validation: 0.25}}
model:
  layers:
    - {type: dense, units: $units, activation: relu}
    - {type: batch_normalization}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
  metrics: [accuracy]
train: {optimizer: {type: adam, learning_rate: 0.05}, batch_size: 16, epochs: 6}
search:
  strategy: grid
  parameters:
    units: {values: [2, 8, 16]}
execution: {seed: 9, storage: study.db}
)";

class PredictTest : public test::StudyFixture {
 protected:
  // A saved model's weights rebuilt into a network and scored on the study's own test split.
  std::map<std::string, double> scoreOnTestSplit(const SavedModel& model,
                                                 const std::string& backendName) {
    const TrainingSpec spec = parseTrainingSpec(model.experiment);
    const PreparedData data = prepareData(spec.data, {{dir_}, {}, {}, false}, 9);
    PluginHost plugins;
    plugins.loadDirectories(PluginHost::searchPath({}));
    const auto loss = makeLoss(spec.loss);
    Graph graph(spec.layers, data.train.sampleShape, *loss, plugins.layers());
    if (graph.params().size() != model.params.size()) {
      throw std::runtime_error("the saved model has " + std::to_string(model.params.size()) +
                               " parameters, its network " + std::to_string(graph.params().size()));
    }
    std::copy(model.params.begin(), model.params.end(), graph.params().begin());
    std::copy(model.state.begin(), model.state.end(), graph.state().begin());
    const auto backend = plugins.backends().create(backendName);
    Trainer trainer(graph, *backend, *loss, spec.fit, Rng(0));
    return trainer.evaluate(data.test);
  }
};

TEST_F(PredictTest, SavedBestModelScoresTheTestSplitAsItsTrialDid) {
  const test::Outcome o = run(kStudy);
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto file = dir_ / "out" / "best_model.tunelab";
  ASSERT_THAT(o.out, HasSubstr("saved to " + file.string()));

  StudyStore store(dir_ / "study.db");
  const auto trials = store.trials();
  const auto best =
      std::min_element(trials.begin(), trials.end(),
                       [](const auto& a, const auto& b) { return *a.value < *b.value; });
  const SavedModel model = loadModel(file);
  EXPECT_EQ(model.info.at("trial").get<int>(), best->id);

  // The saved weights on the study's own test split give the trial's stored test loss.
  const auto test = scoreOnTestSplit(model, best->backend);
  EXPECT_DOUBLE_EQ(test.at("loss"), best->finalValues.at("test_loss").get<double>());
  EXPECT_DOUBLE_EQ(test.at("accuracy"), best->finalValues.at("test_accuracy").get<double>());

  // tunelab predict on the whole file: one row per line, a label and a probability each.
  const test::Outcome p = predict(file, dir_ / "toy.csv");
  ASSERT_EQ(p.code, kExitOk) << p.err;
  EXPECT_THAT(p.out, HasSubstr("Wrote 400 predictions to"));
  EXPECT_THAT(p.out, HasSubstr("On the label column of"));
  std::ifstream csv(dir_ / "predictions.csv");
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "label,probability_yes");
  int rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    const auto comma = line.find(',');
    const std::string label = line.substr(0, comma);
    const double probability = std::stod(line.substr(comma + 1));
    EXPECT_EQ(label, probability >= 0.5 ? "yes" : "no");
  }
  EXPECT_EQ(rows, 400);
}

// With k-fold scoring the saved model is the best configuration trained again on every non-test
// row, for the epochs where its mean curve was best: it predicts exactly what a study without
// folds and without a validation split trains from the same configuration, seed and epochs.
TEST_F(PredictTest, CrossValidatedStudyRefitsTheBestConfigurationOnEveryNonTestRow) {
  std::string one = kStudy;
  one.replace(one.find("{values: [2, 8, 16]}"), 20, "{values: [8]}");
  const test::Outcome folds = run(one, {"train.validation={kfold: 3}", "train.epochs=8"});
  ASSERT_EQ(folds.code, kExitOk) << folds.err;
  const auto refit = dir_ / "refit.tunelab";
  std::filesystem::rename(dir_ / "out" / "best_model.tunelab", refit);
  EXPECT_TRUE(loadModel(refit).info.at("refit_on_all_folds").get<bool>());
  const int bestEpoch = StudyStore(dir_ / "study.db").trials().at(0).bestEpoch;
  ASSERT_GE(bestEpoch, 1);

  const test::Outcome whole =
      run(one, {"data.split.validation=0", "search.metric=loss",
                "train.epochs=" + std::to_string(bestEpoch), "execution.storage=whole.db"});
  ASSERT_EQ(whole.code, kExitOk) << whole.err;
  ASSERT_EQ(predict(dir_ / "out" / "best_model.tunelab", dir_ / "toy.csv").code, kExitOk);
  const auto expected = test::readCsvCells(dir_ / "predictions.csv");
  const test::Outcome p = predict(refit, dir_ / "toy.csv");
  ASSERT_EQ(p.code, kExitOk) << p.err;
  const auto got = test::readCsvCells(dir_ / "predictions.csv");
  ASSERT_EQ(got.size(), 401U);
  ASSERT_EQ(expected.size(), got.size());
  std::size_t differing = 0;
  std::string first;
  for (std::size_t r = 1; r < got.size(); ++r) {
    if (got[r] == expected[r]) continue;
    if (differing++ == 0) {
      first = "row " + std::to_string(r) + ": " + got[r].at(1) + " instead of " + expected[r].at(1);
    }
  }
  EXPECT_EQ(differing, 0U) << "predictions of the refit model that differ from those of the "
                              "configuration trained on every non-test row; the first, "
                           << first;
}

// Activations with parameters (one filled by the search) are saved with the model: the file
// rebuilds the best trial's network, not one with the default slope, and predicts with it.
TEST_F(PredictTest, ParameterisedActivationsRoundTripThroughTheModelFile) {
  std::string study = kStudy;
  study.replace(study.find("activation: relu}"), 17,
                "activation: {type: leaky_relu, alpha: $slope}}\n"
                "    - {type: dense, units: 4, activation: {type: relu, max_value: 0.5}}\n"
                "    - {type: activation, activation: {type: celu, alpha: 0.5}}\n"
                "    - {type: dense, units: 3, activation: hard_sigmoid}");
  study.replace(study.find("units: {values: [2, 8, 16]}"), 27,
                "units: {values: [8]}\n    slope: {values: [0.01, 2.5]}");
  const test::Outcome o = run(study);
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto file = dir_ / "out" / "best_model.tunelab";
  const SavedModel model = loadModel(file);
  StudyStore store(dir_ / "study.db");
  const auto trials = store.trials();
  const auto best = std::find_if(trials.begin(), trials.end(), [&](const auto& t) {
    return t.id == model.info.at("trial").get<int>();
  });
  ASSERT_NE(best, trials.end());
  const auto& firstLayer = model.experiment.at("model").at("layers").at(0);
  EXPECT_EQ(firstLayer.at("activation").at("alpha"), best->params.at("slope"));

  EXPECT_DOUBLE_EQ(scoreOnTestSplit(model, best->backend).at("loss"),
                   best->finalValues.at("test_loss").get<double>());

  const test::Outcome p = predict(file, dir_ / "toy.csv");
  ASSERT_EQ(p.code, kExitOk) << p.err;
  EXPECT_THAT(p.out, HasSubstr("Wrote 400 predictions to"));
}

TEST_F(PredictTest, BadModelOrDataFilesAreClearErrors) {
  ASSERT_EQ(run(kStudy).code, kExitOk);
  const auto model = dir_ / "out" / "best_model.tunelab";

  test::Outcome p = predict(dir_ / "missing.tunelab", dir_ / "toy.csv");
  EXPECT_EQ(p.code, kExitBadInput);
  EXPECT_THAT(p.err, HasSubstr("missing.tunelab: no such file (the model file)"));

  p = predict(dir_ / "exp.yaml", dir_ / "toy.csv");
  EXPECT_EQ(p.code, kExitBadInput);
  EXPECT_THAT(p.err, HasSubstr("exp.yaml: not a tunelab model"));

  std::ofstream(dir_ / "other.csv") << "x0,size\n0.1,3\n";
  p = predict(model, dir_ / "other.csv");
  EXPECT_EQ(p.code, kExitBadInput);
  EXPECT_THAT(p.err, HasSubstr("other.csv: the model needs column 'x1'"));
}

}  // namespace
}  // namespace tunelab
