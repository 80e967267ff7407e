#include "experiments/distributed/MpiExecutor.h"

#include "core/Error.h"
#include "experiments/distributed/WireFormat.h"

namespace tunelab {

MpiExecutor::MpiExecutor(int ranks, bool resumesFromCheckpoints,
                         std::vector<CommunicationCost>& costs)
    : ranks_(ranks),
      resumes_(resumesFromCheckpoints),
      slots_(static_cast<std::size_t>(ranks)),
      hosts_(static_cast<std::size_t>(ranks)),
      costs_(costs) {
  try {
    greet();
  } catch (...) {
    shutdown();
    throw;
  }
}

MpiExecutor::~MpiExecutor() { shutdown(); }

void MpiExecutor::shutdown() noexcept {
  try {
    costs_ = endExecutorRanks(ranks_, outbox_, inbox_);
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - started_;
    costs_.push_back({0, threadCpuSeconds() - cpuBefore_, wall.count()});
  } catch (...) {  // NOLINT(bugprone-empty-catch): the costs are a report, not the study
  }
}

// Every executor rank says how many trials it runs at once, or why it cannot run any.
void MpiExecutor::greet() {
  std::string failure;
  for (int greeted = 1; greeted < ranks_;) {
    auto message = inbox_.next();
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
    hosts_[static_cast<std::size_t>(message->source)] = hello.host;
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

std::optional<TrialEvent> MpiExecutor::next(std::chrono::microseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    while (!arrived_.empty()) {
      TrialEvent event = std::move(arrived_.front());
      arrived_.pop_front();
      const auto rank = running_.find(event.handle);
      if (rank == running_.end()) continue;  // a trial abandoned before this came
      if (event.kind == TrialEvent::Kind::Done) {
        event.rank = rank->second;
        event.host = hosts_[static_cast<std::size_t>(rank->second)];
        ++slots_[static_cast<std::size_t>(rank->second)];
        running_.erase(rank);
      }
      return event;
    }
    outbox_.progress();
    if (auto message = inbox_.next()) {
      if (message->tag == mpi::kEvents) receive(decodeEvents(message->bytes));
      continue;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    backoff_.idle();
  }
}

void MpiExecutor::receive(std::vector<TrialEvent> events) {
  for (auto& event : events) {
    // An executor waits on these (an answer, or a trial to fill the slot): poll again soon.
    // An epoch no trial waits for is news, not a request: polling for more costs a core.
    if (event.kind == TrialEvent::Kind::Done || event.awaitsAnswer) backoff_.reset();
    arrived_.push_back(std::move(event));
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
  arrived_.clear();
}

void MpiExecutor::sendToAll(mpi::Tag tag) {
  for (int rank = 1; rank < ranks_; ++rank) outbox_.send(rank, tag, {});
}

std::vector<CommunicationCost> endExecutorRanks(int ranks, mpi::Outbox& outbox, mpi::Inbox& inbox) {
  for (int rank = 1; rank < ranks; ++rank) outbox.send(rank, mpi::kShutdown, {});
  std::vector<CommunicationCost> costs;
  mpi::Backoff backoff;
  for (int gone = 1; gone < ranks;) {
    outbox.progress();
    if (auto message = inbox.next()) {
      if (message->tag != mpi::kBye) continue;
      ++gone;
      const CommunicationCost cost = decodeBye(message->source, message->bytes);
      if (cost.wallSeconds > 0) costs.push_back(cost);
      continue;
    }
    backoff.idle();
  }
  outbox.progress();
  return costs;
}

}  // namespace tunelab
