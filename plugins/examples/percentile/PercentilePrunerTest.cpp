// The percentile pruner against the plugin kit's pruner contract, and its own rule.
#include <gtest/gtest.h>

#include "PercentilePruner.h"
#include "core/Error.h"
#include "plugins/testing/PrunerContract.h"

namespace {

using tunelab::testing::PrunerContract;

std::unique_ptr<tunelab::Pruner> makePercentile(const tunelab::PrunerContext& context) {
  return std::make_unique<example::PercentilePruner>(context);
}

INSTANTIATE_TEST_SUITE_P(Percentile, PrunerContract,
                         ::testing::Values(tunelab::testing::PrunerCase{"defaults", makePercentile},
                                           tunelab::testing::PrunerCase{"median_after_three_epochs",
                                                                        makePercentile,
                                                                        {{"percentile", 50},
                                                                         {"warmup_epochs", 3},
                                                                         {"min_trials", 2}}}),
                         tunelab::testing::CaseName{});

// Three finished trials with best values 1, 2 and 3 after epoch 2: the 25th percentile is 1.5.
TEST(PercentilePruner, StopsATrialWorseThanThePercentileOfFinishedTrials) {
  example::PercentilePruner pruner({{{"percentile", 25}, {"min_trials", 3}}, 7, 10});
  for (tunelab::TrialId id : {0, 1, 2}) {
    pruner.report(id, 1, 9.0);
    pruner.report(id, 2, 1.0 + static_cast<double>(id));
    pruner.finished(id, tunelab::TrialOutcome::State::Complete);
  }
  EXPECT_EQ(pruner.report(3, 1, 9.0), tunelab::Decision::Continue) << "warm-up epoch";
  EXPECT_EQ(pruner.report(3, 2, 1.4), tunelab::Decision::Continue);
  EXPECT_EQ(pruner.report(4, 1, 9.0), tunelab::Decision::Continue);
  EXPECT_EQ(pruner.report(4, 2, 1.6), tunelab::Decision::Stop);
}

TEST(PercentilePruner, WaitsForMinTrialsThatReachedTheEpoch) {
  example::PercentilePruner pruner({{{"min_trials", 2}, {"warmup_epochs", 0}}, 7, 10});
  pruner.report(0, 1, 1.0);
  pruner.report(0, 2, 0.2);
  pruner.finished(0, tunelab::TrialOutcome::State::Complete);
  pruner.report(1, 1, 1.0);  // pruned after one epoch: counts for epoch 1 only
  pruner.finished(1, tunelab::TrialOutcome::State::Pruned);
  EXPECT_EQ(pruner.report(2, 1, 5.0), tunelab::Decision::Stop);
  EXPECT_EQ(pruner.report(3, 1, 1.0), tunelab::Decision::Continue);
  // Worse than trial 0's 0.2, but only one finished trial reached epoch 2.
  EXPECT_EQ(pruner.report(3, 2, 0.9), tunelab::Decision::Continue);
}

TEST(PercentilePruner, AMisspelledOptionIsAnErrorWithASuggestion) {
  try {
    example::PercentilePruner pruner({{{"percentil", 10}}, 7, 10});
    FAIL() << "accepted an unknown option";
  } catch (const tunelab::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'percentile'"), std::string::npos)
        << e.what();
  }
}

}  // namespace
