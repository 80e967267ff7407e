#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "experiments/config/StudySpec.h"
#include "experiments/store/StudyStore.h"
#include "experiments/study/EpochBatch.h"
#include "experiments/study/Executor.h"
#include "experiments/study/ProgressReporter.h"
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

/// The study's coordinator: it owns the strategy, the pruner and the store, and hands trials to
/// an executor. Its algorithm: resume what the store holds, then until the strategy is
/// exhausted and every trial is done: ask for as many trials as the executor has room for,
/// launch them, answer each epoch (pruning), and on each trial's end tell the strategy and
/// store the result. `stop` (set by a signal handler) ends it cleanly: running trials are
/// marked interrupted and resume next time.
class StudyRunner {
 public:
  /// `pruner` may be null (no early termination); `threadsPerTrial` goes to every trial.
  StudyRunner(const StudySpec& spec, StudyStore& store, Strategy& strategy, Pruner* pruner,
              Executor& executor, int threadsPerTrial, ProgressReporter& progress);
  RunSummary run(const std::atomic<bool>& stop);
  /// While the study runs, `write` is called every `everySeconds` (0: never) with the seconds
  /// since the run started, once the epochs so far are in the store: the live report.
  void reportEvery(double everySeconds, std::function<void(double)> write);

 private:
  // A trial on one backend as the coordinator follows it.
  struct Trial {
    TrialRecord record;
    TrialSpec spec;
    bool primary = true;  // the primary backend's run: the one the strategy hears of
    std::optional<Checkpoint> resume;
    int parentEpochs = 0;  // epochs of `resume` that are a Hyperband parent's
    std::string metricError;
    bool interrupted = false;
  };

  void loadStrategyState(const nlohmann::json& state);
  void resume();
  void resumeUnfinished(TrialRecord record);
  void replayFinished(const TrialRecord& record);
  void loop(const std::atomic<bool>& stop);
  void stopRunningTrials();
  bool askForTrials();
  bool hasRoom() const;
  void askWhileThereIsRoom();
  void launchPending();
  void launch(Trial trial);
  void handleBurst(TrialEvent first);
  void handle(TrialEvent event);
  void onEpoch(std::uint64_t handle, const EpochRecord& epoch, bool awaitsAnswer);
  void onDone(const TrialEvent& event);
  void settle(Trial& trial, const TrialRun& result);
  void tellAndStore(Trial& trial, const TrialRun& result);
  FinishedTrial finishedLine(const TrialRecord& record) const;
  void writeLiveReportIfDue();

  const StudySpec& spec_;
  StudyStore& store_;
  Strategy& strategy_;
  Pruner* pruner_;
  Executor& executor_;
  int threadsPerTrial_;
  ProgressReporter& progress_;
  EpochBatch epochs_;

  std::chrono::steady_clock::time_point started_;
  RunSummary summary_;
  std::optional<std::size_t> total_;
  std::deque<Trial> pending_;
  std::map<std::uint64_t, Trial> running_;
  std::vector<FinishedTrial> uncommitted_;  // progress lines of trials not yet committed
  std::uint64_t nextHandle_ = 0;
  int finished_ = 0;
  std::optional<double> best_;
  TrialId bestId_ = -1;
  bool exhausted_ = false;
  bool stopping_ = false;
  bool strategyChanged_ = false;  // told or asked since its state was last stored
  double reportEverySeconds_ = 0;
  std::function<void(double)> writeReport_;
  std::chrono::steady_clock::time_point lastReport_;
};

/// Seed of a trial: from the study seed and the trial id only, so results do not depend on
/// how many trials run at once.
std::uint64_t trialSeed(std::uint64_t studySeed, TrialId id);

/// How many trials the study will have (across its backends), when that is known.
std::optional<std::size_t> expectedTrials(const StudySpec& spec);

}  // namespace tunelab
