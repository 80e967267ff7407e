#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/Trainer.h"
#include "experiments/objective/Objective.h"
#include "search/Strategy.h"

namespace tunelab {

/// One run of a trial on one backend, as the coordinator hands it to an executor.
struct TrialTask {
  std::uint64_t handle = 0;  // the coordinator's number for this run (unique while it runs)
  TrialSpec spec;
  std::string backend;
  std::uint64_t seed = 0;
  int threads = 1;
  std::optional<Checkpoint> resume;  // its own progress, or the parent's training it continues
  bool keepCheckpoint = false;       // return the final checkpoint (a trial others resume from)
  bool progressCheckpoints = false;  // report progress checkpoints (see checkpointEverySeconds)
  double checkpointEverySeconds = 30;
  // Whether every Epoch event waits for answer(); otherwise only the run's first does (it lets
  // the coordinator check the values a trial records), unless it is also its last. Without a pruner
  // the later answers can only be "go on", and each would cost a round trip per epoch (a message
  // each under MPI).
  bool answerEveryEpoch = true;
};

/// What a running trial reports.
struct TrialEvent {
  enum class Kind : std::uint8_t { Epoch, Progress, Done };
  Kind kind = Kind::Done;
  std::uint64_t handle = 0;
  EpochRecord epoch;                   // Epoch: the epoch it finished
  std::optional<Checkpoint> progress;  // Progress: where it would resume after a crash
  TrialRun result;                     // Done: how it ended (its last event)
  std::optional<int> rank;             // Done: the MPI rank that ran it (none: this process)
  std::string host;                    // ... and that rank's host
  bool awaitsAnswer = false;           // Epoch: it waits for answer() before the next epoch
};

/// Where trials run: local TBB workers (LocalExecutor), or other processes. One coordinator
/// thread calls it. An Epoch event that awaitsAnswer must be answered before that trial trains
/// another epoch, so a decision to stop takes effect at the same epoch however busy the machine
/// is. An answer to stop an Epoch event that does not await one ends the trial at its next epoch.
class Executor {
 public:
  virtual ~Executor() = default;
  /// How many trials run at once.
  virtual int capacity() const = 0;
  /// Whether a trial can continue from a checkpoint (progress or a Hyperband parent's).
  virtual bool resumesFromCheckpoints() const = 0;
  /// Starts a trial; its events come back through next().
  virtual void launch(TrialTask task) = 0;
  /// The next event of any launched trial, or nothing after `timeout`. An Epoch event that
  /// awaits no answer may come only with a later event or when `timeout` ends.
  virtual std::optional<TrialEvent> next(std::chrono::microseconds timeout) = 0;
  /// Answers trial `handle`'s last Epoch event: go on, or stop (it then ends Stopped). An
  /// answer for a trial whose Done event next() has given does nothing (a stop for an epoch
  /// that did not wait can come after the trial's end).
  virtual void answer(std::uint64_t handle, bool goOn) = 0;
  /// Asks every running trial to stop at its next epoch boundary.
  virtual void stopAll() = 0;
  /// Waits until the workers of every launched trial have returned (once next() has given
  /// every Done event).
  virtual void waitForAll() = 0;
  /// After an error on the coordinator: releases every trial without waiting for answers and
  /// waits until all have returned; their events are dropped.
  virtual void abandon() = 0;
};

}  // namespace tunelab
