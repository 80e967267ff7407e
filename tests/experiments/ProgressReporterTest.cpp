// The status line on a terminal: a long trial shows its epoch progress (epoch k/n and the
// current value of the study's metric) while it runs, not only when it has finished.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "experiments/study/ProgressReporter.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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

TEST(TerminalProgress, AnEpochWithoutAKnownTotalShowsNoTotal) {
  // A program objective prints its own epochs; the study knows no number of them.
  std::ostringstream terminal;
  const auto progress = makeProgressReporter(ProgressStyle::Terminal, terminal);
  EpochRecord epoch;
  epoch.epoch = 2;
  epoch.values = {{"val_loss", 0.5}};
  progress->epochDone({.trial = 4, .backend = "command", .epoch = epoch, .epochs = 0}, valLoss());
  EXPECT_THAT(terminal.str(), HasSubstr("trial 4: epoch 2 val_loss=0.5"));
  EXPECT_THAT(terminal.str(), Not(HasSubstr("epoch 2/")));
}

TEST(LineProgress, AFailedTrialShowsTheLastLinesOfItsErrorBounded) {
  std::ostringstream log;
  const auto lines = makeProgressReporter(ProgressStyle::Lines, log);
  TrialRecord record;
  record.id = 3;
  record.status = TrialStatus::Failed;
  record.error = "'python3' exited with status 1; the end of its stderr:\n";
  for (int i = 1; i <= 9; ++i) record.error += "line " + std::to_string(i) + "\n";
  record.error += "ValueError: " + std::string(500, 'x');
  lines->trialFinished({.record = record, .finished = 1}, valLoss());
  const std::string shown = log.str();
  EXPECT_THAT(shown, HasSubstr("trial 3 failed in 0.0s: 'python3' exited with status 1; the end "
                               "of its stderr:\n    line 6\n"));
  EXPECT_THAT(shown, HasSubstr("    line 9\n    ValueError: xxx"));
  EXPECT_THAT(shown, Not(HasSubstr("line 5")));
  EXPECT_THAT(shown, Not(HasSubstr(std::string(300, 'x'))));  // each line bounded
}

}  // namespace
}  // namespace tunelab
