#include "experiments/distributed/MpiWorker.h"

#include <optional>
#include <vector>

#include "core/ThreadCpuTime.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/distributed/CommunicationCost.h"
#include "experiments/distributed/MpiLink.h"
#include "experiments/distributed/WireFormat.h"
#include "experiments/study/LocalExecutor.h"

namespace tunelab {

namespace {

// What rank 0 asks; false once it has ended the study.
bool obey(const mpi::Message& message, LocalExecutor* local, int threadsPerTrial) {
  switch (message.tag) {
    case mpi::kTask: {
      TrialTask task = decodeTask(message.bytes);
      task.threads = threadsPerTrial;  // this rank's own budget
      if (local != nullptr) local->launch(std::move(task));
      return true;
    }
    case mpi::kAnswer: {
      const EpochAnswer answer = decodeAnswer(message.bytes);
      if (local != nullptr && local->running(answer.handle)) {
        local->answer(answer.handle, answer.goOn);
      }
      return true;
    }
    case mpi::kStopAll:
      if (local != nullptr) local->stopAll();
      return true;
    case mpi::kAbandon:
      if (local != nullptr) local->abandon();
      return true;
    default:  // kShutdown
      return false;
  }
}

// Sends rank 0 what the trials reported, in one message, waiting up to `wait` for an event that
// wakes this thread (an epoch no one waits on does not: it goes with the next). True when rank 0
// is about to answer or to send a task: an epoch that waits, or a trial that ended.
bool relayEvents(LocalExecutor& local, mpi::Outbox& outbox, std::chrono::microseconds wait) {
  std::vector<TrialEvent> events;
  bool expectsReply = false;
  for (auto event = local.next(wait); event; event = local.next(std::chrono::microseconds(0))) {
    expectsReply = expectsReply || event->kind == TrialEvent::Kind::Done || event->awaitsAnswer;
    events.push_back(std::move(*event));
  }
  if (!events.empty()) outbox.send(0, mpi::kEvents, encodeEvents(events));
  return expectsReply;
}

}  // namespace

int serveTrials(const Objective* objective, int parallelTrials, int threadsPerTrial,
                const std::string& host, const std::string& error) {
  const auto started = std::chrono::steady_clock::now();
  const double cpuBefore = threadCpuSeconds();
  mpi::Outbox outbox;
  const bool ready = objective != nullptr && error.empty();
  outbox.send(0, mpi::kHello, encodeHello({ready ? parallelTrials : 0, host, error}));
  std::optional<LocalExecutor> local;
  if (ready) local.emplace(*objective, parallelTrials);
  mpi::Inbox inbox(0);
  mpi::Backoff backoff;
  for (bool serving = true; serving;) {
    bool heard = false;
    while (auto message = inbox.next()) {
      heard = true;
      serving = obey(*message, local ? &*local : nullptr, threadsPerTrial);
      if (!serving) break;
    }
    if (heard) backoff.reset();  // rank 0 answers in bursts: more may follow
    if (serving && local) {
      if (relayEvents(*local, outbox, heard ? std::chrono::microseconds(0) : backoff.take())) {
        backoff.reset();
      }
    } else if (serving && !heard) {
      backoff.idle();
    }
    outbox.progress();
  }
  if (local) local->abandon();
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - started;
  outbox.send(0, mpi::kBye, encodeBye({0, threadCpuSeconds() - cpuBefore, wall.count()}));
  return ready ? kExitOk : kExitBadInput;  // the Outbox delivers everything as it goes
}

}  // namespace tunelab
