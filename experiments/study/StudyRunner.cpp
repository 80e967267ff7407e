#include "experiments/study/StudyRunner.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

#include "core/Error.h"
#include "core/Options.h"
#include "core/Rng.h"
#include "experiments/study/ObjectiveValues.h"
#include "search/Enumerate.h"

namespace tunelab {

namespace {

using Clock = std::chrono::steady_clock;
// Epochs wait this long to be stored with others (a progress checkpoint or a finished trial
// stores them at once): a commit each 50 ms was a fifth of the coordinator's CPU under MPI.
constexpr auto kEpochBatchTime = std::chrono::milliseconds(250);
constexpr auto kIdleWait = std::chrono::milliseconds(100);
// Events handled (and trials asked for) under one synced commit at most.
constexpr std::size_t kMostEventsPerCommit = 512;

std::int64_t processPeakMemoryKiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TrialOutcome::State outcomeState(TrialStatus status) {
  switch (status) {
    case TrialStatus::Complete:
      return TrialOutcome::State::Complete;
    case TrialStatus::Pruned:
      return TrialOutcome::State::Pruned;
    default:
      return TrialOutcome::State::Failed;
  }
}

}  // namespace

std::uint64_t trialSeed(std::uint64_t studySeed, TrialId id) {
  return mixSeed(studySeed ^ mixSeed(static_cast<std::uint64_t>(id) + 0x9e3779b97f4a7c15ULL));
}

std::optional<std::size_t> expectedTrials(const StudySpec& spec) {
  std::optional<std::size_t> total;
  if (spec.maxTrials) {
    total = *spec.maxTrials;
  } else if (spec.space.finite()) {
    try {
      total = countPoints(spec.space, spec.strategy, 100'000);
    } catch (const std::exception&) {
      // Too many points to count: the progress line shows no total.
    }
  }
  if (total) *total *= spec.execution.backends.size();
  return total;
}

StudyRunner::StudyRunner(const StudySpec& spec, StudyStore& store, Strategy& strategy,
                         Pruner* pruner, Executor& executor, int threadsPerTrial,
                         ProgressReporter& progress)
    : spec_(spec),
      store_(store),
      strategy_(strategy),
      pruner_(pruner),
      executor_(executor),
      threadsPerTrial_(threadsPerTrial),
      progress_(progress),
      epochs_(store, kEpochBatchTime) {}

void StudyRunner::reportEvery(double everySeconds, std::function<void(double)> write) {
  reportEverySeconds_ = everySeconds;
  writeReport_ = std::move(write);
}

void StudyRunner::writeLiveReportIfDue() {
  if (reportEverySeconds_ <= 0 || !writeReport_) return;
  const auto now = Clock::now();
  if (std::chrono::duration<double>(now - lastReport_).count() < reportEverySeconds_) return;
  lastReport_ = now;
  epochs_.store();
  writeReport_(std::chrono::duration<double>(now - started_).count());
}

RunSummary StudyRunner::run(const std::atomic<bool>& stop) {
  started_ = Clock::now();
  lastReport_ = {};  // the first live report at once
  resume();
  total_ = expectedTrials(spec_);
  // An error on the coordinator (a full disk, a missing checkpoint) must not leave trials
  // waiting for answers that never come: they are released, then the error goes on.
  try {
    loop(stop);
  } catch (...) {
    executor_.abandon();
    throw;
  }
  executor_.waitForAll();
  progress_.done();
  if (stopping_) {
    std::vector<std::pair<TrialId, std::string>> left;
    for (const auto& trial : pending_) left.emplace_back(trial.record.id, trial.record.backend);
    store_.markInterrupted(left);
  }
  summary_.interrupted = stopping_;
  summary_.seconds = std::chrono::duration<double>(Clock::now() - started_).count();
  return summary_;
}

// A saved state another strategy (or another version of a plugin's) wrote is refused in
// words, never as the strategy's own exception.
void StudyRunner::loadStrategyState(const nlohmann::json& state) {
  try {
    strategy_.loadState(state);
  } catch (const std::exception& e) {
    throw Error("the study's saved search state does not fit strategy '" + spec_.strategy + "' (" +
                e.what() +
                "): another strategy, or another version of it, saved it. Name the strategy "
                "the study used in search.strategy, or run with --new-study to start over");
  }
}

// Trials finished in earlier runs stay (and feed the pruner); unfinished ones run again.
void StudyRunner::resume() {
  if (auto state = store_.strategyState()) loadStrategyState(*state);
  for (auto& record : store_.trials()) {
    if (record.status == TrialStatus::Running || record.status == TrialStatus::Interrupted) {
      resumeUnfinished(std::move(record));
      continue;
    }
    ++summary_.trialsSkipped;
    ++finished_;
    if (record.backend != primaryBackend(spec_)) continue;
    if (record.status == TrialStatus::Complete && record.value &&
        (!best_ || spec_.metric.better(*record.value, *best_))) {
      best_ = record.value;
      bestId_ = record.id;
    }
    replayFinished(record);
  }
  if (summary_.trialsSkipped > 0 || summary_.trialsResumed > 0) {
    progress_.resuming(summary_.trialsSkipped, summary_.trialsResumed,
                       summary_.trialsFromCheckpoint);
  }
}

void StudyRunner::resumeUnfinished(TrialRecord record) {
  Trial trial;
  trial.primary = record.backend == primaryBackend(spec_);
  trial.spec = {record.id, record.params, record.budget, record.resumeFrom};
  if (auto progress = store_.progress(record.id, record.backend)) {
    trial.resume = std::move(progress);
    ++summary_.trialsFromCheckpoint;
  }
  store_.clearEpochsAfter(record.id, record.backend, trial.resume ? trial.resume->epochsDone : 0);
  record.status = TrialStatus::Running;
  trial.record = std::move(record);
  pending_.push_back(std::move(trial));
  ++summary_.trialsResumed;
}

void StudyRunner::replayFinished(const TrialRecord& record) {
  if (pruner_ == nullptr) return;
  for (const auto& epoch : store_.epochs(record.id, record.backend)) {
    const auto value = spec_.metric.valueIn(epoch);
    pruner_->report(record.id, epoch.epoch, spec_.metric.minimised(value ? *value : std::nan("")));
  }
  pruner_->finished(record.id, outcomeState(record.status));
}

void StudyRunner::loop(const std::atomic<bool>& stop) {
  for (;;) {
    if (stop && !stopping_) stopRunningTrials();
    if (hasRoom()) {
      StudyStore::Group group(store_);
      askWhileThereIsRoom();
      group.commit();
    }
    launchPending();
    if (running_.empty()) {
      if (stopping_ || pending_.empty()) break;
      continue;
    }
    epochs_.storeIfDue();
    writeLiveReportIfDue();
    if (auto event = executor_.next(epochs_.patience(kIdleWait))) handleBurst(std::move(*event));
  }
  epochs_.store();
}

// The events that have arrived and the trials that take the finished ones' places, stored with
// one synced commit (a sync per trial capped a study at about a thousand trials a second). A
// finished trial counts, on the progress line, once it is committed. Epochs alone open no
// transaction: they are stored in their own batches (EpochBatch).
// The new trials start before the commit, so that they run while it syncs (slots waiting for
// the sync were a third of the runner's cost per trial). Their epochs and results come back as
// later events, stored after this commit; if the process dies before it, the strategy's state
// from before their ask is the one stored, so the next run asks for the same trials again.
void StudyRunner::handleBurst(TrialEvent first) {
  std::vector<TrialEvent> burst;
  burst.push_back(std::move(first));
  while (burst.size() < kMostEventsPerCommit) {
    auto event = executor_.next(std::chrono::milliseconds(0));
    if (!event) break;
    burst.push_back(std::move(*event));
  }
  const bool stores = std::any_of(burst.begin(), burst.end(), [](const TrialEvent& e) {
    return e.kind != TrialEvent::Kind::Epoch;
  });
  if (!stores) {
    for (auto& event : burst) handle(std::move(event));
    return;
  }
  StudyStore::Group group(store_);
  for (auto& event : burst) handle(std::move(event));
  askWhileThereIsRoom();
  // A trial that cannot start (its parent's checkpoint is missing, no rank is free) must not
  // take the finished trials' results with it: they are committed first, then the error goes on.
  std::exception_ptr notLaunched;
  try {
    launchPending();
  } catch (...) {
    notLaunched = std::current_exception();
  }
  group.commit();
  for (const auto& line : uncommitted_) progress_.trialFinished(line, spec_.metric);
  uncommitted_.clear();
  if (notLaunched) std::rethrow_exception(notLaunched);
}

void StudyRunner::stopRunningTrials() {
  stopping_ = true;
  for (auto& [handle, trial] : running_) trial.interrupted = true;
  executor_.stopAll();
}

bool StudyRunner::hasRoom() const {
  return !stopping_ && !exhausted_ &&
         running_.size() + pending_.size() < static_cast<std::size_t>(executor_.capacity());
}

// Inside a group: the trials asked for and the strategy's state, once (a GP's state is costly to
// write, and a sync per ask capped a study at about a thousand trials a second).
void StudyRunner::askWhileThereIsRoom() {
  while (hasRoom() && askForTrials()) {
  }
  if (strategyChanged_) store_.saveStrategyState(strategy_.saveState());
  strategyChanged_ = false;
}

// Asks for as many trials as there is room for; false when none came.
bool StudyRunner::askForTrials() {
  const auto capacity = static_cast<std::size_t>(executor_.capacity());
  const std::size_t free = capacity - running_.size() - pending_.size();
  const std::size_t backends = spec_.execution.backends.size();
  AskResult asked = strategy_.ask(std::max<std::size_t>(1, (free + backends - 1) / backends));
  if (asked.kind == AskResult::Kind::Exhausted) exhausted_ = true;
  if (asked.kind != AskResult::Kind::Ready) return false;
  std::vector<TrialRecord> records;
  for (const auto& spec : asked.trials) {
    for (const auto& backend : spec_.execution.backends) {
      Trial trial;
      trial.spec = spec;
      trial.primary = backend == primaryBackend(spec_);
      trial.record.id = spec.id;
      trial.record.backend = backend;
      trial.record.params = spec.params;
      trial.record.budget = spec.budget;
      trial.record.resumeFrom = spec.resumeFrom;
      trial.record.seed = trialSeed(spec_.execution.seed, spec.id);
      records.push_back(trial.record);
      pending_.push_back(std::move(trial));
    }
  }
  store_.addTrials(records, nullptr);
  strategyChanged_ = true;
  return true;
}

void StudyRunner::launchPending() {
  while (!stopping_ && !pending_.empty() &&
         running_.size() < static_cast<std::size_t>(executor_.capacity())) {
    launch(std::move(pending_.front()));
    pending_.pop_front();
  }
}

void StudyRunner::launch(Trial trial) {
  const bool resumable = executor_.resumesFromCheckpoints();
  TrialTask task;
  task.handle = nextHandle_++;
  task.spec = trial.spec;
  task.backend = trial.record.backend;
  task.seed = trial.record.seed;
  task.threads = threadsPerTrial_;
  trial.record.threads = threadsPerTrial_;
  task.keepCheckpoint = resumable && trial.spec.budget > 0 && trial.spec.budget < spec_.trainEpochs;
  task.progressCheckpoints = resumable;
  task.checkpointEverySeconds = spec_.execution.checkpointEverySeconds;
  task.answerEveryEpoch = trial.primary && pruner_ != nullptr;
  if (resumable && trial.spec.resumeFrom) {
    Checkpoint parent = store_.checkpoint(*trial.spec.resumeFrom, trial.record.backend);
    trial.parentEpochs = parent.epochsDone;
    if (!trial.resume) trial.resume = std::move(parent);
  }
  if (trial.resume) {
    // The pruner hears the epochs the trial goes on from (its decisions about them are moot).
    for (const auto& epoch : trial.resume->history) {
      const auto value = spec_.metric.valueIn(epoch);
      if (trial.primary && pruner_ != nullptr) {
        pruner_->report(trial.record.id, epoch.epoch,
                        spec_.metric.minimised(value ? *value : std::nan("")));
      }
    }
    task.resume = std::move(trial.resume);
    trial.resume.reset();
  }
  running_.emplace(task.handle, std::move(trial));
  executor_.launch(std::move(task));
}

void StudyRunner::handle(TrialEvent event) {
  switch (event.kind) {
    case TrialEvent::Kind::Epoch:
      onEpoch(event.handle, event.epoch, event.awaitsAnswer);
      break;
    case TrialEvent::Kind::Progress: {
      epochs_.store();  // the checkpoint's epochs are in the store before it
      const TrialRecord& record = running_.at(event.handle).record;
      store_.saveProgress(record.id, record.backend, *event.progress);
      break;
    }
    case TrialEvent::Kind::Done:
      epochs_.store();
      onDone(event);
      break;
  }
}

void StudyRunner::onEpoch(std::uint64_t handle, const EpochRecord& epoch, bool awaitsAnswer) {
  Trial& trial = running_.at(handle);
  bool stop = false;
  const auto value = spec_.metric.valueIn(epoch);
  const auto loss = epoch.values.find("loss");
  const bool diverged = loss != epoch.values.end() && !std::isfinite(loss->second);
  // A diverged epoch has no other values: the trainer ends the run itself and says why.
  if (!value && !diverged) {
    std::vector<std::string> names;
    for (const auto& [name, v] : epoch.values) names.push_back(name);
    trial.metricError = "search.metric '" + spec_.metric.name +
                        "' is not among the values training records: " + joinNames(names);
    stop = true;
  } else if (value) {
    const double v = spec_.metric.minimised(*value);
    if (trial.primary && !trial.interrupted && pruner_ != nullptr) {
      stop = pruner_->report(trial.record.id, epoch.epoch, v) == Decision::Stop;
    }
  }
  if (awaitsAnswer || stop) executor_.answer(handle, !stop);
  epochs_.add({trial.record.id, trial.record.backend, epoch});
  // A program or function objective has no train.epochs: 0, its epochs have no known total.
  const int trainEpochs = spec_.epochsKnown ? spec_.trainEpochs : 0;
  const int epochs = trial.record.budget > 0 ? trial.record.budget : trainEpochs;
  progress_.epochDone({trial.record.id, trial.record.backend, epoch, epochs}, spec_.metric);
}

void StudyRunner::onDone(const TrialEvent& event) {
  auto node = running_.extract(event.handle);
  Trial& trial = node.mapped();
  const TrialRun& result = event.result;
  trial.record.rank = event.rank;
  trial.record.host = event.host;
  settle(trial, result);
  if (trial.record.status == TrialStatus::Interrupted) {
    store_.markInterrupted({{trial.record.id, trial.record.backend}});
  } else {
    tellAndStore(trial, result);
  }
  uncommitted_.push_back(finishedLine(trial.record));
}

// The trial's record from how it ended. One epoch ranks the trial: its value, best_epoch and
// values are that epoch's (the metric's best; a program's last report when it gives the value
// itself), and the objective tested the weights of that epoch.
void StudyRunner::settle(Trial& trial, const TrialRun& result) {
  TrialRecord& r = trial.record;
  const auto& history = result.fit.history;
  r.epochs = static_cast<int>(history.size()) - trial.parentEpochs;
  r.bestEpoch = result.value ? result.fit.bestEpoch : spec_.metric.bestEpoch(history);
  r.seconds = result.seconds;
  r.peakMemoryKiB = result.peakMemoryKiB > 0 ? result.peakMemoryKiB : processPeakMemoryKiB();
  const auto ranked = std::find_if(history.begin(), history.end(),
                                   [&](const EpochRecord& e) { return e.epoch == r.bestEpoch; });
  if (ranked != history.end()) r.finalValues = ranked->values;
  for (const auto& [name, value] : result.test) r.finalValues[name] = value;
  if (result.value) {
    r.value = result.value;
  } else if (ranked != history.end()) {
    r.value = spec_.metric.valueIn(*ranked);
  }
  if (!spec_.extraObjectives.empty() && result.ending == TrialRun::Ending::Complete &&
      trial.metricError.empty()) {
    ObjectiveValues objectives = objectiveValues(spec_, r, result, trial.parentEpochs);
    trial.metricError = std::move(objectives.missing);
    if (trial.metricError.empty()) r.objectives = std::move(objectives.values);
  }
  if (!trial.metricError.empty() || result.ending == TrialRun::Ending::Failed) {
    r.status = TrialStatus::Failed;
    r.objectives.clear();
    r.error = trial.metricError.empty() ? result.error : trial.metricError;
    r.value.reset();
  } else if (result.ending == TrialRun::Ending::Stopped) {
    r.status = trial.interrupted ? TrialStatus::Interrupted : TrialStatus::Pruned;
  } else {
    r.status = TrialStatus::Complete;
  }
}

void StudyRunner::tellAndStore(Trial& trial, const TrialRun& result) {
  const TrialRecord& r = trial.record;
  const TrialOutcome outcome{r.id, outcomeState(r.status),
                             r.value ? spec_.metric.minimised(*r.value) : std::nan(""), r.epochs,
                             minimisedObjectives(spec_, r.objectives)};
  if (trial.primary) {
    strategy_.tell(outcome);
    strategyChanged_ = true;
  }
  const bool newBest = trial.primary && r.status == TrialStatus::Complete && r.value &&
                       (!best_ || spec_.metric.better(*r.value, *best_));
  store_.finishTrial(r, nullptr, result.checkpoint ? &*result.checkpoint : nullptr,
                     newBest && result.weights ? &*result.weights : nullptr);
  ++finished_;
  ++summary_.trialsRun;
  if (trial.primary && pruner_ != nullptr) pruner_->finished(r.id, outcome.state);
  if (newBest) {
    best_ = r.value;
    bestId_ = r.id;
  }
}

FinishedTrial StudyRunner::finishedLine(const TrialRecord& record) const {
  FinishedTrial line{record,      static_cast<std::size_t>(finished_),
                     total_,      spec_.execution.backends.size() > 1,
                     best_,       bestId_,
                     std::nullopt};
  for (std::size_t i = 0; i < spec_.extraObjectives.size() && i + 1 < record.objectives.size();
       ++i) {
    line.moreObjectives.emplace_back(spec_.extraObjectives[i].name, record.objectives[i + 1]);
  }
  if (total_ && summary_.trialsRun > 0 && static_cast<std::size_t>(finished_) < *total_) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
    line.etaSeconds = elapsed / summary_.trialsRun *
                      static_cast<double>(*total_ - static_cast<std::size_t>(finished_));
  }
  return line;
}

}  // namespace tunelab
