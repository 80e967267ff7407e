// Data preparation as a user sees it: real data sets split and scaled as declared, with every
// transform fitted on the training rows only.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>

#include "core/Error.h"
#include "core/data/CsvReader.h"
#include "core/data/PrepareData.h"
#include "core/data/Split.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

DataLocations sharedData() { return test::dataLocations(); }

std::map<int, std::size_t> classCounts(const Dataset& d) {
  std::map<int, std::size_t> counts;
  for (std::size_t i = 0; i < d.size(); ++i) ++counts[static_cast<int>(d.y(i, 0))];
  return counts;
}

TEST(PrepareData, MagicSplitsStratifiedAndScalesOnTrain) {
  TUNELAB_REQUIRE_DATASET("magic04");
  DataSpec spec = parseDataSpec({{"source", "magic04"}, {"target", "class"}});
  const PreparedData data = prepareData(spec, sharedData(), 42);
  EXPECT_EQ(data.train.size() + data.validation.size() + data.test.size(), 19020U);
  EXPECT_NEAR(static_cast<double>(data.test.size()) / 19020.0, 0.2, 0.001);
  EXPECT_NEAR(static_cast<double>(data.validation.size()) / 19020.0, 0.2, 0.001);
  EXPECT_EQ(data.train.task, TaskKind::Binary);
  EXPECT_EQ(data.train.classNames, (std::vector<std::string>{"g", "h"}));
  EXPECT_EQ(data.train.x.cols(), 10U);
  const double overall = 6688.0 / 19020.0;
  for (const Dataset* d : {&data.train, &data.validation, &data.test}) {
    const auto counts = classCounts(*d);
    EXPECT_NEAR(static_cast<double>(counts.at(1)) / static_cast<double>(d->size()), overall, 0.01);
  }
  // min-max fitted on train: train values lie in [0, 1] and reach both ends.
  for (std::size_t c = 0; c < 10; ++c) {
    float lo = 1e9F;
    float hi = -1e9F;
    for (std::size_t r = 0; r < data.train.size(); ++r) {
      lo = std::min(lo, data.train.x(r, c));
      hi = std::max(hi, data.train.x(r, c));
    }
    EXPECT_FLOAT_EQ(lo, 0.0F);
    EXPECT_FLOAT_EQ(hi, 1.0F);
  }
}

TEST(PrepareData, SameSeedSameSplitOtherSeedOtherSplit) {
  TUNELAB_REQUIRE_DATASET("iris");
  const DataSpec spec = parseDataSpec({{"source", "iris"}});
  const auto a = prepareData(spec, sharedData(), 1);
  const auto b = prepareData(spec, sharedData(), 1);
  const auto c = prepareData(spec, sharedData(), 2);
  EXPECT_TRUE(std::equal(a.test.x.values().begin(), a.test.x.values().end(),
                         b.test.x.values().begin(), b.test.x.values().end()));
  EXPECT_FALSE(std::equal(a.test.x.values().begin(), a.test.x.values().end(),
                          c.test.x.values().begin(), c.test.x.values().end()));
  EXPECT_EQ(a.train.task, TaskKind::Multiclass);
  EXPECT_EQ(a.train.classes(), 3U);
}

TEST(PrepareData, CaliforniaHousingImputesAndOneHotsFromTrainOnly) {
  TUNELAB_REQUIRE_DATASET("california_housing");
  DataSpec spec = parseDataSpec({{"source", "california_housing"},
                                 {"target", "median_house_value"},
                                 {"preprocess", {{"numeric", "standard"}, {"missing", "median"}}}});
  const PreparedData data = prepareData(spec, sharedData(), 7);
  EXPECT_EQ(data.train.task, TaskKind::Regression);
  ASSERT_EQ(data.train.x.cols(), 13U);  // 8 numeric + 5 ocean_proximity categories
  EXPECT_EQ(data.train.featureNames[8], "ocean_proximity=<1H OCEAN");
  for (float v : data.train.x.values()) ASSERT_TRUE(std::isfinite(v));
  // Standardisation fitted on train: mean 0 and variance 1 on train, not exactly on test.
  double trainMean = 0;
  for (std::size_t r = 0; r < data.train.size(); ++r) trainMean += data.train.x(r, 0);
  EXPECT_NEAR(trainMean / static_cast<double>(data.train.size()), 0.0, 1e-4);
  // Re-derive one test value from the raw file with statistics of the training rows only.
  const Table raw = readCsv(test::datasetFile("california_housing"));
  const auto json = data.preprocessor.toJson();
  const double offset = json["inputs"][0]["offset"];
  const double scale = json["inputs"][0]["scale"];
  double sum = 0;
  double sumSq = 0;
  for (std::size_t r = 0; r < data.train.size(); ++r) {
    const double v = data.train.x(r, 0) / scale + offset;
    sum += v;
    sumSq += v * v;
  }
  const auto n = static_cast<double>(data.train.size());
  EXPECT_NEAR(offset, sum / n, 1e-3);
  EXPECT_NEAR(1.0 / scale, std::sqrt(sumSq / n - (sum / n) * (sum / n)), 1e-2);
  EXPECT_EQ(raw.rows(), 20640U);
}

TEST(PrepareData, PreprocessorRoundTripsThroughJson) {
  TUNELAB_REQUIRE_DATASET("california_housing");
  const DataSpec spec =
      parseDataSpec({{"source", "california_housing"}, {"target", "median_house_value"}});
  const PreparedData data = prepareData(spec, sharedData(), 3);
  const Preprocessor copy = Preprocessor::fromJson(data.preprocessor.toJson());
  const Table raw = readCsv(test::datasetFile("california_housing"));
  const Matrix a = data.preprocessor.transformFeatures(raw);
  const Matrix b = copy.transformFeatures(raw);
  EXPECT_TRUE(std::equal(a.values().begin(), a.values().end(), b.values().begin()));
}

TEST(PrepareData, FashionMnistHasItsOwnTestSet) {
  TUNELAB_REQUIRE_DATASET("fashion_mnist");
  DataSpec spec = parseDataSpec({{"source", "fashion_mnist"}, {"split", {{"validation", 0.1}}}});
  const PreparedData data = prepareData(spec, sharedData(), 1);
  EXPECT_EQ(data.train.size() + data.validation.size(), 60000U);
  EXPECT_EQ(data.validation.size(), 6000U);
  EXPECT_EQ(data.test.size(), 10000U);
  EXPECT_EQ(data.train.sampleShape, (Shape{28, 28}));
  EXPECT_EQ(data.train.classes(), 10U);
  const auto [lo, hi] =
      std::minmax_element(data.train.x.values().begin(), data.train.x.values().end());
  EXPECT_EQ(*lo, 0.0F);
  EXPECT_EQ(*hi, 1.0F);
}

TEST(PrepareData, UnknownTargetListsColumns) {
  TUNELAB_REQUIRE_DATASET("iris");
  try {
    prepareData(parseDataSpec({{"source", "iris"}, {"target", "spieces"}}), sharedData(), 1);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.keyPath(), "target");
    EXPECT_NE(std::string(e.what()).find("target"), std::string::npos) << e.what();
  }
}

TEST(PrepareData, NothingFoundSaysWhereToPutTheFile) {
  DataLocations nowhere;
  nowhere.dataDirs = {test::scratchDir("empty-data")};
  nowhere.allowDownload = false;
  try {
    prepareData(parseDataSpec({{"source", "magic04"}}), nowhere, 1);
    FAIL();
  } catch (const DataError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("magic04.csv"), std::string::npos) << what;
    EXPECT_NE(what.find("empty-data"), std::string::npos) << what;
    EXPECT_NE(what.find("--data-dir"), std::string::npos) << what;
  }
}

TEST(Split, KFoldPutsEveryRowInExactlyOneValidationFold) {
  std::vector<std::uint32_t> labels(103);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = i % 3 == 0 ? 1 : 0;
  const auto folds = kfoldIndices(103, 5, 9, &labels);
  ASSERT_EQ(folds.size(), 5U);
  std::vector<int> seen(103, 0);
  for (const auto& [train, valid] : folds) {
    EXPECT_EQ(train.size() + valid.size(), 103U);
    EXPECT_NEAR(static_cast<double>(valid.size()), 103.0 / 5.0, 1.0);
    for (auto r : valid) ++seen[r];
  }
  for (int s : seen) EXPECT_EQ(s, 1);
}

}  // namespace
}  // namespace tunelab
