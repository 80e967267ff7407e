// The status line on a terminal: a long trial shows its epoch progress (epoch k/n and the
// current value of the study's metric) while it runs, not only when it has finished.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "experiments/study/ProgressReporter.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

MetricGoal valLoss() {
  MetricGoal metric;
  metric.name = "val_loss";
  metric.maximize = false;
  return metric;
}

TEST(TerminalProgress, RunningTrialShowsItsEpochAndCurrentMetric) {
  std::ostringstream terminal;
  const auto progress = makeProgressReporter(ProgressStyle::Terminal, terminal);
  EpochRecord epoch;
  epoch.epoch = 3;
  epoch.values = {{"loss", 0.5}, {"val_loss", 0.4321}};
  progress->epochDone({.trial = 7, .backend = "onednn", .epoch = epoch, .epochs = 20}, valLoss());
  EXPECT_THAT(terminal.str(), HasSubstr("trial 7"));
  EXPECT_THAT(terminal.str(), HasSubstr("epoch 3/20"));
  EXPECT_THAT(terminal.str(), HasSubstr("val_loss=0.4321"));
  EXPECT_THAT(terminal.str(), HasSubstr("\r\033[K"));  // the status line, redrawn in place
}

TEST(TerminalProgress, LinesAndQuietStylesDoNotPrintEveryEpoch) {
  std::ostringstream log;
  const auto lines = makeProgressReporter(ProgressStyle::Lines, log);
  EpochRecord epoch;
  epoch.epoch = 1;
  epoch.values = {{"val_loss", 0.4}};
  lines->epochDone({.trial = 1, .backend = "onednn", .epoch = epoch, .epochs = 5}, valLoss());
  EXPECT_EQ(log.str(), "");
}

}  // namespace
}  // namespace tunelab
