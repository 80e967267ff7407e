#pragma once

#include <chrono>
#include <vector>

#include "experiments/store/StudyStore.h"

namespace tunelab {

/// Epochs on their way to the store, written in batches: a commit per epoch made the
/// coordinator a third runnable thread beside two training ones in 6% of a study's time
/// (bench/cores_busy.py). A batch goes to the store before anything that depends on it (a
/// progress checkpoint, a trial's end) and at the latest `maxDelay` after its first epoch;
/// epochs lost with a killed process are the ones a resumed trial trains again anyway (those
/// after its last checkpoint).
class EpochBatch {
 public:
  EpochBatch(StudyStore& store, std::chrono::milliseconds maxDelay)
      : store_(store), maxDelay_(maxDelay) {}
  void add(TrialEpoch epoch);
  /// Stores the batch when its first epoch is `maxDelay` old.
  void storeIfDue();
  void store();
  /// How long the coordinator may wait for events before the batch is due.
  std::chrono::milliseconds patience(std::chrono::milliseconds idle) const;

 private:
  using Clock = std::chrono::steady_clock;
  StudyStore& store_;
  std::chrono::milliseconds maxDelay_;
  std::vector<TrialEpoch> epochs_;
  Clock::time_point first_;
};

}  // namespace tunelab
