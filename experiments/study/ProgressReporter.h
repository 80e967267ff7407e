#pragma once

#include <cstddef>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "experiments/config/MetricGoal.h"
#include "experiments/store/StudyStore.h"

namespace tunelab {

/// What the line about a finished trial says.
struct FinishedTrial {
  TrialRecord record;
  std::size_t finished = 0;          // trials finished so far, earlier runs included
  std::optional<std::size_t> total;  // trials the study will have, when known
  bool showBackend = false;          // a study on several backends
  std::optional<double> best;        // the best value so far, and its trial
  TrialId bestId = -1;
  std::optional<double> etaSeconds;
  // A study of several objectives: each objective after the first, by name.
  std::vector<std::pair<std::string, double>> moreObjectives;
};

/// An epoch a running trial has just finished.
struct RunningEpoch {
  TrialId trial = 0;
  std::string backend;
  const EpochRecord& epoch;
  int epochs = 0;  // the epochs the trial trains for; 0: not known (a program's own epochs)
};

/// How a running study tells the user what happens: a redrawn line on a terminal, one line per
/// trial otherwise (logs, pipes), or nothing.
class ProgressReporter {
 public:
  virtual ~ProgressReporter() = default;
  /// The study resumes: trials finished in earlier runs, trials to run again and how many of
  /// those go on from a progress checkpoint.
  virtual void resuming(int finishedEarlier, int runAgain, int fromCheckpoint) = 0;
  virtual void trialFinished(const FinishedTrial& trial, const MetricGoal& metric) = 0;
  /// A running trial finished an epoch (a terminal shows it on its status line).
  virtual void epochDone(const RunningEpoch& /*epoch*/, const MetricGoal& /*metric*/) {}
  /// The run ends.
  virtual void done() = 0;
};

enum class ProgressStyle : std::uint8_t { Terminal, Lines, Quiet };

std::unique_ptr<ProgressReporter> makeProgressReporter(ProgressStyle style, std::ostream& out);

}  // namespace tunelab
