#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiments/distributed/CommunicationCost.h"
#include "experiments/study/Executor.h"

namespace tunelab {

/// What an executor rank says when it is ready: how many trials it runs at once, and where.
struct ExecutorHello {
  int capacity = 0;
  std::string host;
  std::string error;  // not empty: it could not prepare the study (its data, its plugins)
};

/// The messages between the coordinator and the executor ranks as bytes: a trial to run and an
/// executor's hello or goodbye as MessagePack; what running trials report, and the answers to
/// their epochs, as plain bytes (wire::Writer: one of each per epoch). Doubles and floats
/// round-trip bit for bit (NaN included), so a trial run on another rank stores what it would
/// have stored here. A message cut short is an Error.
std::vector<std::uint8_t> encodeTask(const TrialTask& task);
TrialTask decodeTask(const std::vector<std::uint8_t>& bytes);
/// Events travel in batches: what a relay found queued when it woke, in order.
std::vector<std::uint8_t> encodeEvents(const std::vector<TrialEvent>& events);
std::vector<TrialEvent> decodeEvents(const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> encodeHello(const ExecutorHello& hello);
ExecutorHello decodeHello(const std::vector<std::uint8_t>& bytes);

/// What an executor rank says when the study is over: how much CPU its communication thread
/// (the one that talks MPI and relays events) used, over how long.
std::vector<std::uint8_t> encodeBye(const CommunicationCost& cost);  // its rank is the sender's
CommunicationCost decodeBye(int rank, const std::vector<std::uint8_t>& bytes);

/// Rank 0's answer to a trial's epoch: go on, or stop.
struct EpochAnswer {
  std::uint64_t handle = 0;
  bool goOn = true;
};
std::vector<std::uint8_t> encodeAnswer(const EpochAnswer& answer);
EpochAnswer decodeAnswer(const std::vector<std::uint8_t>& bytes);

}  // namespace tunelab
