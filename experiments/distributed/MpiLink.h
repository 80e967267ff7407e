#pragma once

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <list>
#include <optional>
#include <vector>

namespace tunelab::mpi {

/// What travels between the ranks, one tag per kind of message.
enum Tag : int {
  kHello = 1,  // executor -> coordinator: ready (ExecutorHello)
  kTask,       // coordinator -> executor: a trial to run (TrialTask)
  kEvent,      // executor -> coordinator: what a trial reports (TrialEvent)
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

/// The next message from `source` (MPI_ANY_SOURCE: anyone), or nothing when none has arrived.
std::optional<Message> tryReceive(int source);

/// Messages sent without blocking (MPI_Isend), kept until delivered: two ranks that both send
/// a large message (a checkpoint) to each other never wait on each other.
class Outbox {
 public:
  Outbox() = default;
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;
  ~Outbox();
  void send(int destination, Tag tag, std::vector<std::uint8_t> bytes);
  /// Forgets the messages delivered so far.
  void progress();

 private:
  struct Pending {
    MPI_Request request = MPI_REQUEST_NULL;
    std::vector<std::uint8_t> bytes;
  };
  std::list<Pending> pending_;
};

/// Sleeps between polls, longer the longer nothing arrives (up to 2 ms): a rank waiting for
/// messages costs no core, where a blocking MPI_Recv in Open MPI busy-polls one.
class Backoff {
 public:
  void idle();
  void reset() { delay_ = kShortest; }

 private:
  static constexpr std::chrono::microseconds kShortest{20};
  static constexpr std::chrono::microseconds kLongest{2000};
  std::chrono::microseconds delay_ = kShortest;
};

}  // namespace tunelab::mpi
