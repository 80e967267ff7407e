#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "experiments/config/StudySpec.h"
#include "experiments/store/StudyStore.h"

namespace tunelab {

/// One backend's part of a study: its trials, the threads they ran on, their epoch times and
/// the best trial it would pick.
struct BackendStats {
  std::string backend;
  int trials = 0;  // finished (complete, pruned or failed)
  int minThreads = 0;
  int maxThreads = 0;  // 0: not recorded (a study run before tunelab recorded threads)
  double medianEpoch = 0;
  double lowerQuartile = 0;
  double upperQuartile = 0;
  std::int64_t largestTrialKiB = 0;  // peak float memory of the largest trial
  std::optional<TrialId> best;       // its best complete trial by the study's metric
  double bestValue = 0;
  std::optional<double> maxValLossDifference;  // vs the baseline, on the same trials
  std::map<TrialId, double> trainingSeconds;   // each finished trial's epochs, summed
  // The baseline's training time over this backend's, on the trials both finished.
  std::optional<double> speedUp;
};

/// The backends of a study side by side: which is faster and whether they agree.
struct BackendComparison {
  std::vector<BackendStats> backends;  // the baseline first, then the study's order
  std::string baseline;                // the reference when it ran, else the slowest backend
  // The largest difference in val_loss at the best epoch relative to the baseline's value, over
  // every backend and trial, and where it is.
  std::optional<double> maxRelativeDifference;
  struct Difference {
    std::string backend;
    TrialId trial = 0;
    double absolute = 0;
    double baselineValue = 0;
  } mostDifferent;
};

BackendComparison compareBackends(const StudySpec& spec, StudyStore& store);

}  // namespace tunelab
