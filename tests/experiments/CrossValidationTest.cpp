// k-fold scoring of trials (train.validation: {kfold: k}): the folds partition the training
// rows, keep the class balance, and a trial's curve is the mean of its folds' curves.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "experiments/cli/ExitCode.h"
#include "experiments/cli/TrainCommand.h"
#include "experiments/objective/CrossValidation.h"
#include "experiments/store/StudyStore.h"
#include "tests/support/StudyFixture.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

Dataset labelledPool(std::size_t rows) {
  Dataset pool;
  pool.task = TaskKind::Binary;
  pool.classNames = {"no", "yes"};
  pool.sampleShape = Shape{1};
  pool.x = Matrix(rows, 1);
  pool.y = Matrix(rows, 1);
  for (std::size_t i = 0; i < rows; ++i) {
    pool.x(i, 0) = static_cast<float>(i);     // the row's identity
    pool.y(i, 0) = i % 4 == 0 ? 1.0F : 0.0F;  // a quarter are positive
  }
  return pool;
}

TEST(CrossValidation, FoldsPartitionTheRowsAndKeepTheClassBalance) {
  const Dataset pool = labelledPool(103);
  const auto folds = makeFolds(pool, 5, 11);
  ASSERT_EQ(folds.size(), 5U);
  std::multiset<float> validated;
  for (const auto& fold : folds) {
    EXPECT_EQ(fold.train.size() + fold.validation.size(), 103U);
    std::set<float> trainRows;
    for (std::size_t i = 0; i < fold.train.size(); ++i) trainRows.insert(fold.train.x(i, 0));
    int positives = 0;
    for (std::size_t i = 0; i < fold.validation.size(); ++i) {
      EXPECT_FALSE(trainRows.contains(fold.validation.x(i, 0)));
      validated.insert(fold.validation.x(i, 0));
      positives += fold.validation.y(i, 0) > 0.5F ? 1 : 0;
    }
    // 26 positives over 5 folds: 5 or 6 in each.
    EXPECT_GE(positives, 5);
    EXPECT_LE(positives, 6);
  }
  EXPECT_EQ(validated.size(), 103U);
  EXPECT_EQ(std::set<float>(validated.begin(), validated.end()).size(), 103U);
  EXPECT_THROW(makeFolds(pool, 200, 11), ConfigError);
}

TEST(CrossValidation, MeanCurveCarriesAnEarlyStoppedFoldForward) {
  auto epoch = [](int e, double loss) {
    EpochRecord r;
    r.epoch = e;
    r.values = {{"val_loss", loss}};
    return r;
  };
  const auto mean = averageHistories({{epoch(1, 1.0), epoch(2, 0.5), epoch(3, 0.2)},
                                      {epoch(1, 3.0), epoch(2, 1.5)}});  // stopped after 2
  ASSERT_EQ(mean.size(), 3U);
  EXPECT_DOUBLE_EQ(mean[0].values.at("val_loss"), 2.0);
  EXPECT_DOUBLE_EQ(mean[1].values.at("val_loss"), 1.0);
  EXPECT_DOUBLE_EQ(mean[2].values.at("val_loss"), (0.2 + 1.5) / 2);
  EXPECT_EQ(mean[2].epoch, 3);
}

constexpr const char* kKfoldStudy = R"(name: kfold
data: {source: toy.csv, target: label, split: {test: 0.2}}
model:
  layers:
    - {type: dense, units: $units, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
  metrics: [accuracy]
train:
  optimizer: {type: adam, learning_rate: 0.02}
  batch_size: 16
  epochs: 4
  validation: {kfold: 3}
search:
  strategy: grid
  parameters:
    units: {values: [2, 4, 8]}
execution: {seed: 5, storage: study.db}
)";

class KfoldStudyTest : public test::StudyFixture {};

TEST_F(KfoldStudyTest, EveryTrialScoresOnTheFoldsAndParallelismDoesNotChangeIt) {
  const test::Outcome one = run(kKfoldStudy, {"execution.parallel_trials=1"});
  ASSERT_EQ(one.code, kExitOk) << one.err;
  EXPECT_THAT(one.out, HasSubstr("train 320, validation 0, test 80 rows"));
  EXPECT_THAT(one.out, HasSubstr("Trials: 3 complete"));
  const std::string first = test::studyContents(dir_ / "study.db");
  {
    StudyStore store(dir_ / "study.db");
    for (const auto& t : store.trials()) {
      ASSERT_TRUE(t.value.has_value());
      EXPECT_EQ(store.epochs(t.id, t.backend).size(), 4U);
      EXPECT_TRUE(t.finalValues.contains("val_accuracy"));
      EXPECT_TRUE(t.finalValues.contains("test_accuracy"));
    }
  }
  std::filesystem::remove(dir_ / "study.db");
  const test::Outcome two = run(kKfoldStudy, {"execution.parallel_trials=2"});
  ASSERT_EQ(two.code, kExitOk) << two.err;
  EXPECT_EQ(test::studyContents(dir_ / "study.db"), first);

  // The same study scored on a validation split instead gives other values.
  std::filesystem::remove(dir_ / "study.db");
  const test::Outcome split =
      run(kKfoldStudy, {"train.validation=null", "data.split.validation=0.25"}, true);
  ASSERT_EQ(split.code, kExitOk) << split.err;
  EXPECT_NE(test::studyContents(dir_ / "study.db"), first);
}

TEST_F(KfoldStudyTest, MoreFoldsThanRowsIsALocatedError) {
  const test::Outcome o = run(kKfoldStudy, {"train.validation.kfold=1000"});
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err,
              HasSubstr("train.validation.kfold: needs 2 <= k <= rows (k = 1000, rows = 320)"));
  const test::Outcome one = run(kKfoldStudy, {"train.validation.kfold=1"});
  EXPECT_EQ(one.code, kExitBadInput);
  EXPECT_THAT(one.err, HasSubstr("train.validation.kfold"));
}

TEST_F(KfoldStudyTest, TrainCommandRefusesKfoldAndSaysToUseRun) {
  TrainArguments args;
  args.experiment = write("exp.yaml", kKfoldStudy);
  args.overrides = {"search.parameters.units={value: 4}"};
  args.dataDirs = {dir_};
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(runTrain(args, out, err), kExitBadInput);
  EXPECT_THAT(err.str(), HasSubstr("train.validation.kfold: k-fold scoring compares the trials of "
                                   "a study: use tunelab run"));
}

}  // namespace
}  // namespace tunelab
