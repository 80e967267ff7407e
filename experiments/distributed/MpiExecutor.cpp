#include "experiments/distributed/MpiExecutor.h"

#include "core/Error.h"
#include "experiments/distributed/WireFormat.h"

namespace tunelab {

MpiExecutor::MpiExecutor(int ranks, bool resumesFromCheckpoints)
    : ranks_(ranks), resumes_(resumesFromCheckpoints), slots_(static_cast<std::size_t>(ranks)) {
  try {
    greet();
  } catch (...) {
    shutdown();
    throw;
  }
}

MpiExecutor::~MpiExecutor() { shutdown(); }

// Every executor rank says how many trials it runs at once, or why it cannot run any.
void MpiExecutor::greet() {
  std::string failure;
  for (int greeted = 1; greeted < ranks_;) {
    auto message = mpi::tryReceive(MPI_ANY_SOURCE);
    if (!message) {
      backoff_.idle();
      continue;
    }
    if (message->tag != mpi::kHello) continue;
    ++greeted;
    const ExecutorHello hello = decodeHello(message->bytes);
    if (!hello.error.empty() && failure.empty()) {
      failure =
          "rank " + std::to_string(message->source) + " on " + hello.host + ": " + hello.error;
    }
    slots_[static_cast<std::size_t>(message->source)] = hello.capacity;
    capacity_ += hello.capacity;
  }
  if (!failure.empty()) throw Error(failure);
  if (capacity_ == 0) throw Error("no executor rank can run a trial");
}

void MpiExecutor::launch(TrialTask task) {
  int rank = 1;
  while (rank < ranks_ && slots_[static_cast<std::size_t>(rank)] == 0) ++rank;
  if (rank == ranks_) throw Error("internal: a trial was launched with every rank busy");
  --slots_[static_cast<std::size_t>(rank)];
  running_[task.handle] = rank;
  outbox_.send(rank, mpi::kTask, encodeTask(task));
}

std::optional<TrialEvent> MpiExecutor::next(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    outbox_.progress();
    if (auto message = mpi::tryReceive(MPI_ANY_SOURCE)) {
      backoff_.reset();
      if (message->tag != mpi::kEvent) continue;
      TrialEvent event = decodeEvent(message->bytes);
      const auto rank = running_.find(event.handle);
      if (rank == running_.end()) continue;  // a trial abandoned before this came
      if (event.kind == TrialEvent::Kind::Done) {
        ++slots_[static_cast<std::size_t>(rank->second)];
        running_.erase(rank);
      }
      return event;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    backoff_.idle();
  }
}

void MpiExecutor::answer(std::uint64_t handle, bool goOn) {
  const auto rank = running_.find(handle);
  if (rank == running_.end()) return;
  outbox_.send(rank->second, mpi::kAnswer, encodeAnswer({handle, goOn}));
}

void MpiExecutor::stopAll() { sendToAll(mpi::kStopAll); }

void MpiExecutor::abandon() {
  sendToAll(mpi::kAbandon);
  for (const auto& [handle, rank] : running_) ++slots_[static_cast<std::size_t>(rank)];
  running_.clear();
}

void MpiExecutor::sendToAll(mpi::Tag tag) {
  for (int rank = 1; rank < ranks_; ++rank) outbox_.send(rank, tag, {});
}

void endExecutorRanks(int ranks, mpi::Outbox& outbox) {
  for (int rank = 1; rank < ranks; ++rank) outbox.send(rank, mpi::kShutdown, {});
  mpi::Backoff backoff;
  for (int gone = 1; gone < ranks;) {
    outbox.progress();
    if (auto message = mpi::tryReceive(MPI_ANY_SOURCE)) {
      if (message->tag == mpi::kBye) ++gone;
      continue;
    }
    backoff.idle();
  }
  outbox.progress();
}

}  // namespace tunelab
