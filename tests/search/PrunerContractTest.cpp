// The bundled median pruner against the plugin kit's pruner contract, and its own rule.
#include <gtest/gtest.h>

#include "plugins/testing/PrunerContract.h"
#include "search/pruners/median/MedianPruner.h"

namespace tunelab {
namespace {

using testing::PrunerCase;
using testing::PrunerContract;

std::unique_ptr<Pruner> makeMedian(const PrunerContext& context) {
  return std::make_unique<MedianPruner>(context);
}

INSTANTIATE_TEST_SUITE_P(Bundled, PrunerContract,
                         ::testing::Values(PrunerCase{"median", makeMedian},
                                           PrunerCase{"median_eager",
                                                      makeMedian,
                                                      {{"warmup_epochs", 1}, {"min_trials", 1}}}),
                         testing::CaseName{});

// Finished trials with best values 1, 2, 3 and 4 after epoch 2: the median is 2.5.
TEST(MedianPruner, StopsATrialWorseThanTheMedianOfFinishedTrialsAtTheSameEpoch) {
  MedianPruner pruner({{{"warmup_epochs", 2}, {"min_trials", 4}}, 7, 10});
  for (TrialId id : {0, 1, 2, 3}) {
    pruner.report(id, 1, 9.0);
    pruner.report(id, 2, 1.0 + static_cast<double>(id));
    pruner.finished(id, TrialOutcome::State::Complete);
  }
  EXPECT_EQ(pruner.report(4, 1, 99.0), Decision::Continue) << "before warmup_epochs";
  EXPECT_EQ(pruner.report(4, 2, 2.4), Decision::Continue);
  EXPECT_EQ(pruner.report(5, 1, 9.0), Decision::Continue);
  EXPECT_EQ(pruner.report(5, 2, 2.6), Decision::Stop);
}

TEST(MedianPruner, WaitsForMinTrialsAndJudgesTheBestValueSoFar) {
  MedianPruner pruner({{{"warmup_epochs", 1}, {"min_trials", 2}}, 7, 10});
  pruner.report(0, 1, 1.0);
  pruner.report(0, 2, 1.0);
  pruner.finished(0, TrialOutcome::State::Complete);
  EXPECT_EQ(pruner.report(1, 1, 5.0), Decision::Continue) << "one finished trial of two";
  pruner.report(2, 1, 1.0);
  pruner.report(2, 2, 1.0);
  pruner.finished(2, TrialOutcome::State::Pruned);
  EXPECT_EQ(pruner.report(3, 1, 0.5), Decision::Continue);
  // A worse last epoch does not undo the best value so far (0.5 against a median of 1).
  EXPECT_EQ(pruner.report(3, 2, 7.0), Decision::Continue);
  EXPECT_EQ(pruner.report(4, 1, 1.5), Decision::Stop);
}

}  // namespace
}  // namespace tunelab
