// Training through each backend plugin (loaded as a user's study loads it) ends where the
// reference ends: the MAGIC model, 5 epochs, same seed.
#include <gtest/gtest.h>

#include <cmath>
#include <iomanip>
#include <sstream>

#include "experiments/cli/ExitCode.h"
#include "experiments/cli/TrainCommand.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

double finalValidationLoss(const std::string& backend) {
  TrainArguments args;
  args.experiment = test::sourceDir() / "experiments" / "configs" / "magic.yaml";
  args.overrides = {"train.epochs=5", "execution.backend=" + backend};
  args.dataDirs = test::dataLocations().dataDirs;
  args.output = test::scratchDir("backend-training-" + backend);
  args.quiet = true;
  std::ostringstream out;
  std::ostringstream err;
  TrainReport report;
  EXPECT_EQ(runTrain(args, out, err, &report), kExitOk) << err.str();
  if (report.fit.history.size() != 5U) return std::nan("");
  return report.fit.history.back().values.at("val_loss");
}

TEST(BackendTraining, MagicFiveEpochsMatchTheReferenceOnEveryBackend) {
  TUNELAB_REQUIRE_DATASET("magic04");
  const double reference = finalValidationLoss("reference");
  ASSERT_TRUE(std::isfinite(reference));
  for (const char* backend : {"openblas", "onednn"}) {
    const double loss = finalValidationLoss(backend);
    EXPECT_LE(std::abs(loss - reference) / reference, 1e-3)
        << backend << " val_loss " << loss << " vs reference " << reference;
    std::ostringstream difference;
    difference << std::scientific << std::abs(loss - reference) / reference << " (val_loss "
               << std::setprecision(9) << loss << " vs " << reference << ")";
    RecordProperty(std::string(backend) + "_relative_difference", difference.str());
  }
}

}  // namespace
}  // namespace tunelab
