#pragma once

#include <map>
#include <vector>

#include "experiments/distributed/MpiLink.h"
#include "experiments/study/Executor.h"

namespace tunelab {

/// Tells every executor rank the study is over and reads what they still send (a rank blocked
/// on a message nobody receives would never end) until each has said goodbye.
void endExecutorRanks(int ranks, mpi::Outbox& outbox);

/// Rank 0's executor: each trial runs on an executor rank with a free slot (the lowest such
/// rank, so the same study places its trials the same way), its events come back as MPI
/// messages. Construction waits for every executor rank's hello; destruction ends them.
class MpiExecutor final : public Executor {
 public:
  MpiExecutor(int ranks, bool resumesFromCheckpoints);
  ~MpiExecutor() override;
  MpiExecutor(const MpiExecutor&) = delete;
  MpiExecutor& operator=(const MpiExecutor&) = delete;

  int capacity() const override { return capacity_; }
  bool resumesFromCheckpoints() const override { return resumes_; }
  void launch(TrialTask task) override;
  std::optional<TrialEvent> next(std::chrono::milliseconds timeout) override;
  void answer(std::uint64_t handle, bool goOn) override;
  void stopAll() override;
  void waitForAll() override {}  // every trial's Done event has come: nothing runs any more
  void abandon() override;

 private:
  void greet();
  void sendToAll(mpi::Tag tag);
  void shutdown() noexcept { endExecutorRanks(ranks_, outbox_); }

  int ranks_;
  bool resumes_;
  int capacity_ = 0;
  std::vector<int> slots_;                // free slots of each rank (index: rank)
  std::map<std::uint64_t, int> running_;  // trial handle -> the rank running it
  mpi::Outbox outbox_;
  mpi::Backoff backoff_;
};

}  // namespace tunelab
