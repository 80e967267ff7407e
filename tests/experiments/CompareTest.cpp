// `tunelab compare` answers "which backend is faster on my model, and do they agree?" as a user
// runs it: per backend the threads, the epoch time in readable units with its spread, the
// speed-up against the reference, the largest val_loss difference against a stated tolerance,
// whether every backend picks the same best trial, and what the memory figure is.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "experiments/report/Units.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kThreeBackends = R"(name: toy-compare
data: {source: toy.csv, target: label, split: {test: 0.2, validation: 0.25}}
model:
  layers:
    - {type: dense, units: $units, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
train:
  optimizer: {type: adam, learning_rate: 0.01}
  batch_size: 16
  epochs: 3
search:
  strategy: grid
  parameters:
    units: {values: [4, 16]}
execution: {seed: 7, storage: study.db, backend: [reference, openblas, onednn]}
)";

class CompareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::scratchDir("compare-cli");
    test::writeSeparableCsv(dir_ / "toy.csv", 400);
    std::ofstream(dir_ / "exp.yaml") << kThreeBackends;
    const auto run = test::runTunelab({"run", "exp.yaml", "--data-dir", dir_.string(), "--set",
                                       "execution.output=" + (dir_ / "out").string()},
                                      dir_);
    ASSERT_EQ(run.code, 0) << run.out << run.err;
  }
  std::filesystem::path dir_;
};

TEST_F(CompareTest, SaysWhichBackendIsFasterAndWhetherTheyAgree) {
  const auto compare = test::runTunelab({"compare", "exp.yaml"}, dir_);
  ASSERT_EQ(compare.code, 0) << compare.err;
  const std::string& out = compare.out;
  EXPECT_THAT(out, HasSubstr("threads"));
  // Readable units with a spread, never raw microsecond counts.
  EXPECT_THAT(out,
              ContainsRegex("openblas +1 +2 +[0-9.]+ (us|ms|s) \\([0-9.]+-[0-9.]+ (us|ms|s)\\)"));
  EXPECT_THAT(out, Not(ContainsRegex("[0-9]{5,} us")));
  EXPECT_THAT(out, ContainsRegex("reference .*1.00x"));
  EXPECT_THAT(out, ContainsRegex("onednn .* [0-9.]+x"));
  EXPECT_THAT(out, ContainsRegex("tolerance [0-9.e+-]+"));
  EXPECT_THAT(out, ContainsRegex("the backends agree|the backends differ"));
  EXPECT_THAT(out,
              ContainsRegex("Best trial: every backend picks trial [0-9]+|Best trial differs"));
  EXPECT_THAT(out, Not(HasSubstr("Peak memory is the process's")));
  EXPECT_THAT(out, HasSubstr("largest trial"));
}

// A noisy machine gives one slow epoch; the range must not print it as "28367 us" beside a
// median in microseconds (CI printed "984 us (869-28367 us)").
TEST(ReadableRange, InTheLargestFiguresUnit) {
  EXPECT_EQ(readableRange(984e-6, 869e-6, 28367e-6), "0.98 ms (0.87-28.4 ms)");
  EXPECT_EQ(readableRange(882e-6, 863e-6, 942e-6), "882 us (863-942 us)");
  EXPECT_EQ(readableRange(0.9, 0.5, 1.5), "0.90 s (0.50-1.50 s)");
}

// A parameter count is read exactly ("125460", not "1.2546e+05"); a loss to five digits.
TEST(ReadableValue, WholeNumbersInFullOthersToFiveDigits) {
  EXPECT_EQ(readableValue(125460), "125460");
  EXPECT_EQ(readableValue(3.7067e6), "3706700");
  EXPECT_EQ(readableValue(0.3311623), "0.33116");
  EXPECT_EQ(readableValue(-2), "-2");
}

}  // namespace
}  // namespace tunelab
