#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiments/study/Executor.h"

namespace tunelab {

/// What an executor rank says when it is ready: how many trials it runs at once, and where.
struct ExecutorHello {
  int capacity = 0;
  std::string host;
  std::string error;  // not empty: it could not prepare the study (its data, its plugins)
};

/// The messages between the coordinator and the executor ranks as bytes (MessagePack): a
/// trial to run, what a running trial reports, an executor's hello. Doubles and floats
/// round-trip bit for bit (NaN included), so a trial run on another rank stores what it would
/// have stored here.
std::vector<std::uint8_t> encodeTask(const TrialTask& task);
TrialTask decodeTask(const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> encodeEvent(const TrialEvent& event);
TrialEvent decodeEvent(const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> encodeHello(const ExecutorHello& hello);
ExecutorHello decodeHello(const std::vector<std::uint8_t>& bytes);

/// Rank 0's answer to a trial's epoch: go on, or stop.
struct EpochAnswer {
  std::uint64_t handle = 0;
  bool goOn = true;
};
std::vector<std::uint8_t> encodeAnswer(const EpochAnswer& answer);
EpochAnswer decodeAnswer(const std::vector<std::uint8_t>& bytes);

}  // namespace tunelab
