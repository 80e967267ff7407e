#include "experiments/distributed/MpiWorker.h"

#include <optional>

#include "experiments/cli/ExitCode.h"
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

}  // namespace

int serveTrials(const Objective* objective, int parallelTrials, int threadsPerTrial,
                const std::string& host, const std::string& error) {
  mpi::Outbox outbox;
  const bool ready = objective != nullptr && error.empty();
  outbox.send(0, mpi::kHello, encodeHello({ready ? parallelTrials : 0, host, error}));
  std::optional<LocalExecutor> local;
  if (ready) local.emplace(*objective, parallelTrials);
  mpi::Backoff backoff;
  for (bool serving = true; serving;) {
    bool busy = false;
    while (auto message = mpi::tryReceive(0)) {
      busy = true;
      serving = obey(*message, local ? &*local : nullptr, threadsPerTrial);
      if (!serving) break;
    }
    while (local && serving) {
      auto event = local->next(std::chrono::milliseconds(0));
      if (!event) break;
      busy = true;
      outbox.send(0, mpi::kEvent, encodeEvent(*event));
    }
    outbox.progress();
    if (busy) {
      backoff.reset();
    } else {
      backoff.idle();
    }
  }
  if (local) local->abandon();
  outbox.send(0, mpi::kBye, {});
  return ready ? kExitOk : kExitBadInput;  // the Outbox delivers everything as it goes
}

}  // namespace tunelab
