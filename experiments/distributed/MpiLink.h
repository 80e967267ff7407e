#pragma once

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace tunelab::mpi {

/// What travels between the ranks, one tag per kind of message.
enum Tag : int {
  kHello = 1,  // executor -> coordinator: ready (ExecutorHello)
  kTask,       // coordinator -> executor: a trial to run (TrialTask)
  kEvents,     // executor -> coordinator: what its trials reported (TrialEvents, in order)
  kAnswer,     // coordinator -> executor: go on or stop after an epoch
  kStopAll,    // coordinator -> executor: stop every trial at its next epoch
  kAbandon,    // coordinator -> executor: drop every trial without waiting for answers
  kShutdown,   // coordinator -> executor: the study is over
  kBye,        // executor -> coordinator: nothing more will come from it
};

struct Message {
  int source = 0;
  int tag = 0;
  std::vector<std::uint8_t> bytes;
};

/// Messages received without blocking: each is matched as soon as it is announced and received
/// with MPI_Imrecv, and handed out once all its bytes are here, in the order each sender sent
/// them. A blocking receive of a large message (a trial's weights, a checkpoint) spins until the
/// sender's rank gets round to sending the rest, which took most of rank 0's CPU.
class Inbox {
 public:
  explicit Inbox(int source) : source_(source) {}  // MPI_ANY_SOURCE: from anyone
  Inbox(const Inbox&) = delete;
  Inbox& operator=(const Inbox&) = delete;
  ~Inbox();
  /// The next message that has fully arrived, or nothing; never waits.
  std::optional<Message> next();

 private:
  struct Arriving {
    MPI_Request request = MPI_REQUEST_NULL;
    std::unique_ptr<Message> message;  // its bytes stay put while the request fills them
  };
  void matchAnnounced();
  int source_;
  std::vector<Arriving> arriving_;  // in the order they were matched
};

/// Messages sent without blocking (MPI_Isend), kept until delivered: two ranks that both send
/// a large message (a checkpoint) to each other never wait on each other.
class Outbox {
 public:
  Outbox() = default;
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;
  ~Outbox();
  void send(int destination, Tag tag, std::vector<std::uint8_t> bytes);
  /// Forgets the messages delivered so far (one MPI_Testsome over all of them: testing each
  /// on its own made a coordinator with hundreds of messages in flight spend milliseconds per
  /// poll).
  void progress();

 private:
  // requests_[i] sends buffers_[i]; a buffer's bytes stay put when the vectors grow.
  std::vector<MPI_Request> requests_;
  std::vector<std::unique_ptr<std::vector<std::uint8_t>>> buffers_;
  std::vector<int> completed_;
};

/// Sleeps between polls, longer the longer nothing arrives (up to 2 ms): a rank waiting for
/// messages costs no core, where a blocking MPI_Recv in Open MPI busy-polls one.
class Backoff {
 public:
  void idle();
  /// The time to wait now; the next one is longer.
  std::chrono::microseconds take();
  void reset() { delay_ = kShortest; }

 private:
  static constexpr std::chrono::microseconds kShortest{250};
  static constexpr std::chrono::microseconds kLongest{8000};
  std::chrono::microseconds delay_ = kShortest;
};

}  // namespace tunelab::mpi
