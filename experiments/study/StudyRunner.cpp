#include "experiments/study/StudyRunner.h"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <iomanip>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>

#include "core/Options.h"
#include "core/Rng.h"
#include "experiments/store/CheckpointCodec.h"
#include "search/Enumerate.h"

namespace tunelab {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kEpochBatchTime = std::chrono::milliseconds(50);

// One trial on one backend, trained by a worker. The coordinator answers every epoch before
// the worker goes on, so a decision to stop takes effect at the same epoch however busy the
// machine is.
struct Job {
  TrialRecord record;
  TrialSpec spec;
  bool primary = true;  // the first backend's run is the one the strategy hears about
  std::mutex mutex;
  std::condition_variable answered;
  int acknowledged = 0;
  bool stop = false;
  bool interrupted = false;
  bool abandoned = false;         // the coordinator failed: stop without waiting for answers
  std::vector<double> bestSoFar;  // metric (as minimised) after each epoch
  std::string metricError;
  std::optional<Checkpoint> resume;  // its progress, or the parent's training it continues
  int parentEpochs = 0;              // epochs of the resume checkpoint that are the parent's
  bool keepCheckpoint = false;
  TrialRun result;
};

struct Event {
  Job* job = nullptr;
  bool done = false;
  EpochRecord record;
  std::optional<Checkpoint> progress;  // a progress checkpoint to store (no epoch)
};

class EventQueue {
 public:
  void push(Event event) {
    // Notified under the lock: once the coordinator can see the last event, this thread no
    // longer touches the queue, which may then be destroyed.
    const std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
    ready_.notify_one();
  }
  std::optional<Event> popFor(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, timeout, [&] { return !events_.empty(); })) return std::nullopt;
    Event event = std::move(events_.front());
    events_.pop_front();
    return event;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Event> events_;
};

std::mutex& launchLock() {
  static std::mutex lock;
  return lock;
}

std::int64_t peakMemoryKiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

std::string formatValue(double v) {
  std::ostringstream s;
  s << std::setprecision(5) << v;
  return s.str();
}

std::string formatDuration(double seconds) {
  std::ostringstream s;
  if (seconds < 60) {
    s << std::fixed << std::setprecision(1) << seconds << "s";
  } else {
    s << static_cast<int>(seconds / 60) << "m" << std::setw(2) << std::setfill('0')
      << static_cast<int>(seconds) % 60 << "s";
  }
  return s.str();
}

}  // namespace

std::uint64_t trialSeed(std::uint64_t studySeed, TrialId id) {
  return mixSeed(studySeed ^ mixSeed(static_cast<std::uint64_t>(id) + 0x9e3779b97f4a7c15ULL));
}

ThreadBudget chooseThreadBudget(const StudySpec& spec, std::size_t modelParameters, int cores) {
  ThreadBudget budget;
  cores = std::max(1, cores);
  // Below ~100k parameters a step is too short to share between threads.
  const int autoThreads = modelParameters >= 100'000 ? cores : 1;
  budget.threadsPerTrial = spec.threadsPerTrial > 0 ? spec.threadsPerTrial : autoThreads;
  budget.threadsPerTrial = std::min(budget.threadsPerTrial, cores);
  budget.parallelTrials =
      spec.parallelTrials > 0 ? spec.parallelTrials : std::max(1, cores / budget.threadsPerTrial);
  return budget;
}

StudyRunner::StudyRunner(const StudySpec& spec, StudyStore& store, Strategy& strategy,
                         Pruner* pruner, const Objective& objective, ThreadBudget budget,
                         std::ostream& progress, bool terminal)
    : spec_(spec),
      store_(store),
      strategy_(strategy),
      pruner_(pruner),
      objective_(objective),
      budget_(budget),
      progress_(progress),
      terminal_(terminal) {}

RunSummary StudyRunner::run(const std::atomic<bool>& stop) {
  const auto started = Clock::now();
  RunSummary summary;
  const int parallel = budget_.parallelTrials;
  const double sign = spec_.maximize ? -1.0 : 1.0;
  // The metric (as minimised; +infinity when missing or not finite) after each epoch.
  auto minimised = [&](const EpochRecord& e) {
    auto it = e.values.find(spec_.metric);
    return it != e.values.end() && std::isfinite(it->second)
               ? sign * it->second
               : std::numeric_limits<double>::infinity();
  };
  // The best value of the metric (as minimised) after each epoch of a history.
  auto bestSoFar = [&](const std::vector<EpochRecord>& history) {
    std::vector<double> curve;
    double best = std::numeric_limits<double>::infinity();
    for (const auto& e : history) {
      best = std::min(best, minimised(e));
      curve.push_back(best);
    }
    return curve;
  };
  // The pruner hears the epochs of a history it has not seen (decisions about them are moot).
  auto replay = [&](TrialId id, const std::vector<EpochRecord>& history) {
    if (pruner_ == nullptr) return;
    for (const auto& e : history) pruner_->report(id, e.epoch, minimised(e));
  };

  // Finished trials of earlier runs feed the pruner; unfinished ones run again.
  std::deque<std::unique_ptr<Job>> pending;
  std::optional<double> best;
  TrialId bestId = -1;
  int finished = 0;
  if (auto state = store_.strategyState()) strategy_.loadState(*state);
  for (auto& record : store_.trials()) {
    if (record.status == TrialStatus::Running || record.status == TrialStatus::Interrupted) {
      auto job = std::make_unique<Job>();
      job->primary = record.backend == spec_.backends.front();
      job->spec = {record.id, record.params, record.budget, record.resumeFrom};
      if (auto progress = store_.progress(record.id, record.backend)) {
        job->resume = decodeCheckpoint(*progress);
        ++summary.trialsFromCheckpoint;
      }
      store_.clearEpochsAfter(record.id, record.backend, job->resume ? job->resume->epochsDone : 0);
      record.status = TrialStatus::Running;
      job->record = std::move(record);
      pending.push_back(std::move(job));
      ++summary.trialsResumed;
      continue;
    }
    ++summary.trialsSkipped;
    ++finished;
    if (record.backend != spec_.backends.front()) continue;
    if (record.status == TrialStatus::Complete && record.value &&
        (!best || sign * *record.value < sign * *best)) {
      best = record.value;
      bestId = record.id;
    }
    if (pruner_ != nullptr) {
      replay(record.id, store_.epochs(record.id, record.backend));
      pruner_->finished(record.id,
                        record.status == TrialStatus::Complete ? TrialOutcome::State::Complete
                        : record.status == TrialStatus::Pruned ? TrialOutcome::State::Pruned
                                                               : TrialOutcome::State::Failed);
    }
  }
  if (summary.trialsSkipped > 0 || summary.trialsResumed > 0) {
    progress_ << "Resuming study: " << summary.trialsSkipped << " trials finished earlier, "
              << summary.trialsResumed << " to run again (" << summary.trialsFromCheckpoint
              << " from a checkpoint)\n"
              << std::flush;
  }

  std::optional<std::size_t> total;
  if (spec_.maxTrials) {
    total = *spec_.maxTrials;
  } else if (spec_.space.finite()) {
    try {
      total = enumeratePoints(spec_.space, spec_.strategy, 100'000).size();
    } catch (const std::exception&) {
    }
  }
  if (total) *total *= spec_.backends.size();

  tbb::global_control control(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(parallel) + 1);
  // One slot is reserved for this thread, so that arena.execute() runs here (not on a worker)
  // and only hands the trials to the `parallel` workers.
  tbb::task_arena arena(parallel + 1, 1);
  tbb::task_group group;
  EventQueue queue;
  std::map<Job*, std::unique_ptr<Job>> running;
  bool exhausted = false;
  bool stopping = false;

  const int fullEpochs = spec_.trainEpochs;
  auto launch = [&](std::unique_ptr<Job> owned) {
    Job* job = owned.get();
    const bool resumable = objective_.resumesFromCheckpoints();
    job->keepCheckpoint = resumable && job->spec.budget > 0 && job->spec.budget < fullEpochs;
    if (resumable && job->spec.resumeFrom) {
      Checkpoint parent =
          decodeCheckpoint(store_.checkpoint(*job->spec.resumeFrom, job->record.backend));
      job->parentEpochs = parent.epochsDone;
      if (!job->resume) job->resume = std::move(parent);
    }
    if (job->resume) {
      job->bestSoFar = bestSoFar(job->resume->history);
      if (job->primary) replay(job->record.id, job->resume->history);
    }
    running.emplace(job, std::move(owned));
    const int threads = budget_.threadsPerTrial;
    const double checkpointEvery = spec_.checkpointEverySeconds;
    // libtbb is not instrumented, so ThreadSanitizer cannot see that handing a task to a worker
    // orders it after everything the coordinator wrote. The launch lock says so: the worker
    // takes it before it touches anything the coordinator prepared.
    const std::lock_guard launching(launchLock());
    arena.execute([&] {
      group.run([&, job, threads, resumable, checkpointEvery] {
        { const std::lock_guard launched(launchLock()); }
        TrialContext context{job->record.backend,
                             job->record.seed,
                             threads,
                             job->resume ? &*job->resume : nullptr,
                             job->keepCheckpoint,
                             [job] {
                               const std::lock_guard lock(job->mutex);
                               return job->stop;
                             },
                             {},
                             checkpointEvery};
        if (resumable) {
          context.onCheckpoint = [&queue, job](Checkpoint checkpoint) {
            queue.push({job, false, {}, std::move(checkpoint)});
          };
        }
        job->result = objective_.run(job->spec, context, [&, job](const EpochRecord& record) {
          queue.push({job, false, record});
          std::unique_lock lock(job->mutex);
          job->answered.wait(lock,
                             [&] { return job->acknowledged >= record.epoch || job->abandoned; });
          return !job->stop;
        });
        queue.push({job, true, {}});
      });
    });
  };

  // Epochs are stored in batches: a commit per epoch made the coordinator a third runnable
  // thread beside two training ones in 6% of a study's time (bench/cores_busy.py). A batch goes to
  // the store before anything that depends on it (a progress checkpoint, the trial's end) and at
  // the latest kEpochBatchTime after its first epoch; epochs lost with a killed process are the
  // ones a resumed trial trains again anyway (those after its last checkpoint).
  std::vector<TrialEpoch> unstoredEpochs;
  auto firstUnstored = Clock::now();
  auto storeEpochs = [&] {
    store_.addEpochs(unstoredEpochs);
    unstoredEpochs.clear();
  };

  auto onEpoch = [&](Job& job, const EpochRecord& record) {
    bool stopIt = job.stop;
    auto it = record.values.find(spec_.metric);
    const auto loss = record.values.find("loss");
    const bool diverged = loss != record.values.end() && !std::isfinite(loss->second);
    if (it == record.values.end() && diverged) {
      // The trainer ends the run itself and says why; a diverged epoch has no other values.
      job.bestSoFar.push_back(std::numeric_limits<double>::infinity());
    } else if (it == record.values.end()) {
      std::vector<std::string> names;
      for (const auto& [name, value] : record.values) names.push_back(name);
      job.metricError = "search.metric '" + spec_.metric +
                        "' is not among the values training records: " + joinNames(names);
      stopIt = true;
    } else {
      const double v =
          !std::isfinite(it->second) ? std::numeric_limits<double>::infinity() : sign * it->second;
      job.bestSoFar.push_back(job.bestSoFar.empty() ? v : std::min(job.bestSoFar.back(), v));
      if (job.primary && !stopIt && pruner_ != nullptr) {
        stopIt = pruner_->report(job.record.id, record.epoch, v) == Decision::Stop;
      }
    }
    {
      const std::lock_guard lock(job.mutex);
      job.stop = stopIt;
      job.acknowledged = record.epoch;
    }
    job.answered.notify_one();
    if (unstoredEpochs.empty()) firstUnstored = Clock::now();
    unstoredEpochs.push_back({job.record.id, job.record.backend, record});
  };

  auto onDone = [&](std::unique_ptr<Job> owned) {
    Job& job = *owned;
    TrialRecord& r = job.record;
    const TrialRun& run = job.result;
    r.epochs = static_cast<int>(run.fit.history.size()) - job.parentEpochs;
    r.bestEpoch = run.fit.bestEpoch;
    r.seconds = run.seconds;
    r.peakMemoryKiB = run.peakMemoryKiB > 0 ? run.peakMemoryKiB : peakMemoryKiB();
    if (!run.fit.history.empty()) r.finalValues = run.fit.history.back().values;
    for (const auto& [name, value] : run.test) r.finalValues[name] = value;
    if (run.value) {
      r.value = run.value;
    } else if (!job.bestSoFar.empty() && std::isfinite(job.bestSoFar.back())) {
      r.value = sign * job.bestSoFar.back();
    }
    TrialOutcome outcome{r.id, TrialOutcome::State::Complete,
                         r.value ? sign * *r.value : std::nan(""), r.epochs};
    if (!job.metricError.empty()) {
      r.status = TrialStatus::Failed;
      r.error = job.metricError;
      r.value.reset();
    } else if (run.ending == TrialRun::Ending::Failed) {
      r.status = TrialStatus::Failed;
      r.error = run.error;
      r.value.reset();
    } else if (run.ending == TrialRun::Ending::Stopped) {
      r.status = job.interrupted ? TrialStatus::Interrupted : TrialStatus::Pruned;
    } else {
      r.status = TrialStatus::Complete;
    }
    if (r.status == TrialStatus::Failed) {
      outcome.state = TrialOutcome::State::Failed;
      outcome.value = std::nan("");
    } else if (r.status == TrialStatus::Pruned) {
      outcome.state = TrialOutcome::State::Pruned;
    }
    nlohmann::json state;
    if (job.primary && r.status != TrialStatus::Interrupted) {
      strategy_.tell(outcome);
      state = strategy_.saveState();
    }
    if (r.status == TrialStatus::Interrupted) {
      store_.markInterrupted({{r.id, r.backend}});
    } else {
      const bool newBest = job.primary && r.status == TrialStatus::Complete && r.value &&
                           (!best || sign * *r.value < sign * *best);
      store_.finishTrial(
          r, state,
          run.checkpoint ? encodeCheckpoint(*run.checkpoint) : std::vector<std::uint8_t>{},
          newBest && run.weights ? encodeWeights(*run.weights) : std::vector<std::uint8_t>{});
      ++finished;
      ++summary.trialsRun;
      if (job.primary && pruner_ != nullptr) pruner_->finished(r.id, outcome.state);
      if (newBest) {
        best = r.value;
        bestId = r.id;
      }
    }
    // Progress: one line per trial when not a terminal; a bar that redraws when it is.
    std::ostringstream line;
    line << "[" << finished;
    if (total) line << "/" << *total;
    line << "] trial " << r.id;
    if (spec_.backends.size() > 1) line << " (" << r.backend << ")";
    line << " " << trialStatusName(r.status);
    if (r.value) line << " " << spec_.metric << "=" << formatValue(*r.value);
    line << " in " << formatDuration(r.seconds);
    if (!r.error.empty()) line << ": " << r.error.substr(0, r.error.find('\n'));
    if (best) line << " | best " << formatValue(*best) << " (trial " << bestId << ")";
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    if (total && summary.trialsRun > 0 && static_cast<std::size_t>(finished) < *total) {
      const double eta = elapsed / summary.trialsRun *
                         static_cast<double>(*total - static_cast<std::size_t>(finished));
      line << " | ETA " << formatDuration(eta);
    }
    if (terminal_) {
      progress_ << "\r\033[K" << line.str() << std::flush;
    } else {
      progress_ << line.str() << "\n" << std::flush;
    }
  };

  // An error on the coordinator (a full disk, a missing checkpoint) must not leave workers
  // waiting for answers that never come: they are released, then the error goes on.
  try {
    for (;;) {
      if (stop && !stopping) {
        stopping = true;
        for (auto& [job, owned] : running) {
          const std::lock_guard lock(job->mutex);
          job->stop = true;
          job->interrupted = true;
        }
        for (auto& [job, owned] : running) job->answered.notify_one();
      }
      // Ask for as many trials as there are free workers.
      while (!stopping && !exhausted && running.size() + pending.size() < std::size_t(parallel)) {
        const std::size_t free = std::size_t(parallel) - running.size() - pending.size();
        const std::size_t wanted = (free + spec_.backends.size() - 1) / spec_.backends.size();
        AskResult asked = strategy_.ask(std::max<std::size_t>(1, wanted));
        if (asked.kind == AskResult::Kind::Exhausted) exhausted = true;
        if (asked.kind != AskResult::Kind::Ready) break;
        std::vector<TrialRecord> records;
        for (const auto& trial : asked.trials) {
          for (const auto& backend : spec_.backends) {
            auto job = std::make_unique<Job>();
            job->spec = trial;
            job->primary = backend == spec_.backends.front();
            job->record.id = trial.id;
            job->record.backend = backend;
            job->record.params = trial.params;
            job->record.budget = trial.budget;
            job->record.resumeFrom = trial.resumeFrom;
            job->record.seed = trialSeed(spec_.seed, trial.id);
            records.push_back(job->record);
            pending.push_back(std::move(job));
          }
        }
        store_.addTrials(records, strategy_.saveState());
      }
      while (!stopping && !pending.empty() && running.size() < std::size_t(parallel)) {
        launch(std::move(pending.front()));
        pending.pop_front();
      }
      if (running.empty()) {
        if (stopping || pending.empty()) break;
        continue;
      }
      if (!unstoredEpochs.empty() && Clock::now() - firstUnstored >= kEpochBatchTime) {
        storeEpochs();
      }
      auto event =
          queue.popFor(unstoredEpochs.empty() ? std::chrono::milliseconds(100) : kEpochBatchTime);
      if (!event) continue;
      if (event->progress) {
        storeEpochs();
        const Job& job = *event->job;
        store_.saveProgress(job.record.id, job.record.backend, encodeCheckpoint(*event->progress));
        continue;
      }
      if (!event->done) {
        onEpoch(*event->job, event->record);
        continue;
      }
      storeEpochs();
      auto node = running.extract(event->job);
      onDone(std::move(node.mapped()));
    }
    storeEpochs();
  } catch (...) {
    for (auto& [job, owned] : running) {
      {
        const std::lock_guard lock(job->mutex);
        job->abandoned = true;
        job->stop = true;
      }
      job->answered.notify_one();
    }
    arena.execute([&] { group.wait(); });
    // Each worker's last act is to queue its result; taking those events orders everything
    // the workers wrote before the jobs are destroyed (ThreadSanitizer does not see TBB's wait).
    while (queue.popFor(std::chrono::milliseconds(0))) {
    }
    throw;
  }
  arena.execute([&] { group.wait(); });
  if (terminal_) progress_ << "\n";
  if (stopping) {
    std::vector<std::pair<TrialId, std::string>> left;
    for (const auto& job : pending) left.emplace_back(job->record.id, job->record.backend);
    store_.markInterrupted(left);
  }
  summary.interrupted = stopping;
  summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return summary;
}

}  // namespace tunelab
