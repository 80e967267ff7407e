// The classic Keras grid (7 optimizers x 8 initializers x 8 activations, Keras' spellings) runs
// as one study: every combination trains, as it does in Keras.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "experiments/store/StudyStore.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

TEST(KerasClassicGrid, EveryCombinationInKerasSpellingsTrains) {
  TUNELAB_REQUIRE_DATASET("breast_cancer");
  const auto dir = test::scratchDir("keras-classic-grid");
  const auto data = test::datasetFile("breast_cancer");
  const test::ProcessResult ran = test::runTunelab(
      {"run", (test::sourceDir() / "experiments/configs/keras_classic_grid.yaml").string(),
       "--data-dir", data.parent_path().string(), "--set", "train.epochs=2", "--set",
       "execution.output=out", "--set", "execution.storage=grid.db"},
      dir);
  ASSERT_EQ(ran.code, 0) << ran.err;

  StudyStore store(dir / "grid.db");
  const auto trials = store.trials();
  ASSERT_EQ(trials.size(), 7U * 8U * 8U);
  double best = INFINITY;
  std::set<std::string> optimizers;
  std::set<std::string> initializers;
  std::set<std::string> activations;
  for (const auto& t : trials) {
    ASSERT_EQ(t.status, TrialStatus::Complete) << "trial " << t.id << ": " << t.error;
    ASSERT_TRUE(t.value.has_value() && std::isfinite(*t.value)) << "trial " << t.id;
    best = std::min(best, *t.value);
    optimizers.insert(t.params.at("optimizer").get<std::string>());
    initializers.insert(t.params.at("init_mode").get<std::string>());
    activations.insert(t.params.at("activation").get<std::string>());
  }
  EXPECT_EQ(optimizers.size(), 7U);
  EXPECT_EQ(initializers.size(), 8U);
  EXPECT_EQ(activations.size(), 8U);
  // Predicting the class frequencies (63% benign) scores 0.66; the best combination learns.
  EXPECT_LT(best, 0.5);
}

}  // namespace
}  // namespace tunelab
