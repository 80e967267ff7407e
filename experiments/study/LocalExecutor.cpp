#include "experiments/study/LocalExecutor.h"

namespace tunelab {

namespace {

// libtbb is not instrumented, so ThreadSanitizer cannot see that handing a task to a worker
// orders it after everything the coordinator wrote. The launch lock says so: the worker takes
// it before it touches anything the coordinator prepared.
std::mutex& launchLock() {
  static std::mutex lock;
  return lock;
}

}  // namespace

LocalExecutor::LocalExecutor(const Objective& objective, int parallelTrials)
    : objective_(objective),
      parallel_(parallelTrials),
      control_(tbb::global_control::max_allowed_parallelism,
               static_cast<std::size_t>(parallelTrials) + 1),
      // One slot is reserved for the coordinator, so that arena.execute() runs there (not on a
      // worker) and only hands the trials to the `parallelTrials` workers.
      arena_(parallelTrials + 1, 1) {}

LocalExecutor::~LocalExecutor() { abandon(); }

void LocalExecutor::launch(TrialTask task) {
  auto owned = std::make_unique<Running>();
  owned->task = std::move(task);
  Running* trial = owned.get();
  running_.emplace(trial->task.handle, std::move(owned));
  const std::lock_guard launching(launchLock());
  arena_.execute([&] {
    group_->run([this, trial] {
      { const std::lock_guard launched(launchLock()); }
      work(*trial);
    });
  });
}

void LocalExecutor::work(Running& trial) {
  const TrialTask& task = trial.task;
  TrialContext context{task.backend,
                       task.seed,
                       task.threads,
                       task.resume ? &*task.resume : nullptr,
                       task.keepCheckpoint,
                       [&trial] {
                         const std::lock_guard lock(trial.mutex);
                         return trial.stop;
                       },
                       {},
                       task.checkpointEverySeconds};
  if (task.progressCheckpoints) {
    context.onCheckpoint = [this, &task](Checkpoint checkpoint) {
      push({TrialEvent::Kind::Progress, task.handle, {}, std::move(checkpoint), {}});
    };
  }
  TrialRun result = objective_.run(task.spec, context, [this, &trial](const EpochRecord& epoch) {
    return reportEpoch(trial, epoch);
  });
  // The last act of the worker: once the coordinator has this event it may destroy `trial`.
  push({TrialEvent::Kind::Done, task.handle, {}, {}, std::move(result)});
}

bool LocalExecutor::reportEpoch(Running& trial, const EpochRecord& epoch) {
  TrialEvent event{TrialEvent::Kind::Epoch, trial.task.handle, epoch, {}, {}};
  {
    const std::lock_guard lock(trial.mutex);
    // The first epoch waits so that the coordinator may stop a trial whose values lack the
    // metric at the same epoch every time; a last epoch has no next one to stop (a round trip
    // per trial was half the runner's cost per trial of a function objective).
    event.awaitsAnswer = trial.task.answerEveryEpoch || (trial.reported == 0 && !epoch.last);
    trial.reported = epoch.epoch;
  }
  const bool awaits = event.awaitsAnswer;
  push(std::move(event));
  std::unique_lock lock(trial.mutex);
  if (awaits) {
    trial.answered.wait(lock,
                        [&] { return trial.acknowledged >= trial.reported || trial.abandoned; });
  }
  return !trial.stop;
}

void LocalExecutor::push(TrialEvent event) {
  // An epoch no one waits on wakes no one: the coordinator takes it with the next event that
  // does, or when its wait ends (a wake-up per epoch was most of an MPI relay's CPU).
  const bool wakes = event.kind != TrialEvent::Kind::Epoch || event.awaitsAnswer;
  // Notified under the lock: once the coordinator can see the last event, the worker no longer
  // touches the queue, which may then be destroyed.
  const std::lock_guard lock(queueMutex_);
  events_.push_back(std::move(event));
  if (wakes) queueReady_.notify_one();
}

std::optional<TrialEvent> LocalExecutor::next(std::chrono::microseconds timeout) {
  std::unique_lock lock(queueMutex_);
  if (!queueReady_.wait_for(lock, timeout, [&] { return !events_.empty(); })) return std::nullopt;
  TrialEvent event = std::move(events_.front());
  events_.pop_front();
  lock.unlock();
  if (event.kind == TrialEvent::Kind::Done) running_.erase(event.handle);
  return event;
}

void LocalExecutor::answer(std::uint64_t handle, bool goOn) {
  // A stop for an epoch that did not wait may come after next() gave the trial's end.
  const auto running = running_.find(handle);
  if (running == running_.end()) return;
  Running& trial = *running->second;
  {
    const std::lock_guard lock(trial.mutex);
    trial.stop = trial.stop || !goOn;
    trial.acknowledged = trial.reported;
  }
  trial.answered.notify_one();
}

void LocalExecutor::stopAll() {
  for (auto& [handle, trial] : running_) {
    {
      const std::lock_guard lock(trial->mutex);
      trial->stop = true;
    }
    trial->answered.notify_one();
  }
}

void LocalExecutor::waitForAll() {
  arena_.execute([&] { group_->wait(); });
}

void LocalExecutor::abandon() {
  for (auto& [handle, trial] : running_) {
    {
      const std::lock_guard lock(trial->mutex);
      trial->abandoned = true;
      trial->stop = true;
    }
    trial->answered.notify_one();
  }
  waitForAll();
  // Each worker's last act is to queue its result; taking those events orders everything the
  // workers wrote before their trials are destroyed (ThreadSanitizer does not see TBB's wait).
  const std::lock_guard lock(queueMutex_);
  events_.clear();
  running_.clear();
}

}  // namespace tunelab
