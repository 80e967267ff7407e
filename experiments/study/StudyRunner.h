#pragma once

#include <atomic>
#include <iosfwd>
#include <string>
#include <vector>

#include "experiments/config/StudySpec.h"
#include "experiments/objective/Objective.h"
#include "experiments/store/StudyStore.h"
#include "search/Pruner.h"
#include "search/Strategy.h"

namespace tunelab {

/// What a run of the study did.
struct RunSummary {
  int trialsRun = 0;             // in this process
  int trialsResumed = 0;         // of those, trials that had been running when a run stopped
  int trialsFromCheckpoint = 0;  // of those, trials that go on from a progress checkpoint
  int trialsSkipped = 0;         // finished in an earlier run
  bool interrupted = false;      // stopped by SIGINT/SIGTERM
  double seconds = 0;
};

/// Thread budget of a study: parallel trials x threads per trial <= cores.
struct ThreadBudget {
  int parallelTrials = 1;
  int threadsPerTrial = 1;
};

/// Resolves `auto` settings: small models train one per core on one thread each; a model
/// with many parameters gets several threads.
ThreadBudget chooseThreadBudget(const StudySpec& spec, std::size_t modelParameters, int cores);

/// Runs a study: a coordinator (the calling thread) owns the strategy and the store; trials
/// train on TBB workers. Resumes what the store already holds. `stop` (set by a signal
/// handler) ends it cleanly: running trials are marked interrupted and resume next time.
class StudyRunner {
 public:
  /// `pruner` may be null (no early termination).
  StudyRunner(const StudySpec& spec, StudyStore& store, Strategy& strategy, Pruner* pruner,
              const Objective& objective, ThreadBudget budget, std::ostream& progress,
              bool terminal);
  RunSummary run(const std::atomic<bool>& stop);

 private:
  const StudySpec& spec_;
  StudyStore& store_;
  Strategy& strategy_;
  Pruner* pruner_;
  const Objective& objective_;
  ThreadBudget budget_;
  std::ostream& progress_;
  bool terminal_;
};

/// Seed of a trial: from the study seed and the trial id only, so results do not depend on
/// how many trials run at once.
std::uint64_t trialSeed(std::uint64_t studySeed, TrialId id);

}  // namespace tunelab
