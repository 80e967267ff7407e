#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "core/ThreadCpuTime.h"
#include "experiments/distributed/CommunicationCost.h"
#include "experiments/distributed/MpiLink.h"
#include "experiments/study/Executor.h"

namespace tunelab {

/// Tells every executor rank the study is over and reads what they still send (a rank blocked
/// on a message nobody receives would never end) until each has said goodbye. Returns what
/// each rank's communication thread cost (those that served).
std::vector<CommunicationCost> endExecutorRanks(int ranks, mpi::Outbox& outbox, mpi::Inbox& inbox);

/// Rank 0's executor: each trial runs on an executor rank with a free slot (the lowest such
/// rank, so the same study places its trials the same way), its events come back as MPI
/// messages. Construction waits for every executor rank's hello; destruction ends them and
/// adds every rank's communication cost to `costs` (rank 0's: its calling thread's, from
/// construction to destruction).
class MpiExecutor final : public Executor {
 public:
  MpiExecutor(int ranks, bool resumesFromCheckpoints, std::vector<CommunicationCost>& costs);
  ~MpiExecutor() override;
  MpiExecutor(const MpiExecutor&) = delete;
  MpiExecutor& operator=(const MpiExecutor&) = delete;

  int capacity() const override { return capacity_; }
  bool resumesFromCheckpoints() const override { return resumes_; }
  void launch(TrialTask task) override;
  std::optional<TrialEvent> next(std::chrono::microseconds timeout) override;
  void answer(std::uint64_t handle, bool goOn) override;
  void stopAll() override;
  void waitForAll() override {}  // every trial's Done event has come: nothing runs any more
  void abandon() override;

 private:
  void greet();
  void receive(std::vector<TrialEvent> events);
  void sendToAll(mpi::Tag tag);
  void shutdown() noexcept;

  int ranks_;
  bool resumes_;
  int capacity_ = 0;
  std::vector<int> slots_;                // free slots of each rank (index: rank)
  std::vector<std::string> hosts_;        // each rank's host
  std::map<std::uint64_t, int> running_;  // trial handle -> the rank running it
  std::deque<TrialEvent> arrived_;        // received, not yet handed to the runner
  mpi::Outbox outbox_;
  mpi::Inbox inbox_{MPI_ANY_SOURCE};
  mpi::Backoff backoff_;
  std::vector<CommunicationCost>& costs_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  double cpuBefore_ = threadCpuSeconds();
};

}  // namespace tunelab
