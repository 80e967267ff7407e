#pragma once

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>

#include "experiments/study/Executor.h"

namespace tunelab {

/// Runs trials on TBB workers of this process: `parallelTrials` at once, each calling the
/// objective on its own worker thread.
class LocalExecutor final : public Executor {
 public:
  LocalExecutor(const Objective& objective, int parallelTrials);
  ~LocalExecutor() override;
  LocalExecutor(const LocalExecutor&) = delete;
  LocalExecutor& operator=(const LocalExecutor&) = delete;

  int capacity() const override { return parallel_; }
  bool resumesFromCheckpoints() const override { return objective_.resumesFromCheckpoints(); }
  void launch(TrialTask task) override;
  std::optional<TrialEvent> next(std::chrono::microseconds timeout) override;
  void answer(std::uint64_t handle, bool goOn) override;
  void stopAll() override;
  void waitForAll() override;
  void abandon() override;
  /// Whether trial `handle` was launched and its Done event not yet taken.
  bool running(std::uint64_t handle) const { return running_.contains(handle); }

 private:
  // A launched trial: the task and the hand-shake between its worker and the coordinator.
  struct Running {
    TrialTask task;
    std::mutex mutex;
    std::condition_variable answered;
    int reported = 0;      // epochs the worker reported
    int acknowledged = 0;  // epochs the coordinator answered
    bool stop = false;
    bool abandoned = false;  // the coordinator failed: go on without waiting for answers
  };
  void work(Running& trial);
  bool reportEpoch(Running& trial, const EpochRecord& epoch);
  void push(TrialEvent event);

  const Objective& objective_;
  int parallel_;
  tbb::global_control control_;
  tbb::task_arena arena_;
  // Behind a pointer: tbb::task_group's destructor may throw, an Executor's may not.
  std::unique_ptr<tbb::task_group> group_ = std::make_unique<tbb::task_group>();
  std::map<std::uint64_t, std::unique_ptr<Running>> running_;
  std::mutex queueMutex_;
  std::condition_variable queueReady_;
  std::deque<TrialEvent> events_;
};

}  // namespace tunelab
