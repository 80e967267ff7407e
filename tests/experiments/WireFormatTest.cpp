// What travels between MPI ranks comes back as it left: a trial to run with the checkpoint it
// resumes from, and every kind of event a trial reports, NaN and checkpoints bit for bit.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/Error.h"
#include "experiments/distributed/WireFormat.h"

namespace tunelab {
namespace {

Checkpoint someCheckpoint() {
  Checkpoint c;
  c.epochsDone = 3;
  c.params = {0.1F, -2.5F, std::numeric_limits<float>::denorm_min()};
  c.state = {1.0F};
  c.optimizer = {0.25F, 0.5F};
  c.schedule = {{"step", 3}};
  c.history = {{1, {{"loss", 0.7}}, 0.01, 0.2}};
  return c;
}

bool sameBits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

TEST(WireFormat, ATaskWithItsCheckpointRoundTrips) {
  TrialTask task;
  task.handle = 41;
  task.spec = {7, {{"lr", 0.001}, {"act", "relu"}}, 9, TrialId{3}};
  task.backend = "onednn";
  task.seed = 0xfedcba9876543210ULL;
  task.threads = 2;
  task.resume = someCheckpoint();
  task.keepCheckpoint = true;
  task.checkpointEverySeconds = 12.5;
  task.answerEveryEpoch = false;
  const TrialTask back = decodeTask(encodeTask(task));
  EXPECT_EQ(back.handle, 41U);
  EXPECT_EQ(back.spec.id, 7);
  EXPECT_EQ(back.spec.params, task.spec.params);
  EXPECT_EQ(back.spec.budget, 9);
  EXPECT_EQ(back.spec.resumeFrom, TrialId{3});
  EXPECT_EQ(back.backend, "onednn");
  EXPECT_EQ(back.seed, task.seed);
  EXPECT_TRUE(back.keepCheckpoint);
  EXPECT_FALSE(back.progressCheckpoints);
  EXPECT_EQ(back.checkpointEverySeconds, 12.5);
  EXPECT_FALSE(back.answerEveryEpoch);
  ASSERT_TRUE(back.resume.has_value());
  EXPECT_EQ(back.resume->params, task.resume->params);
  EXPECT_EQ(back.resume->optimizer, task.resume->optimizer);
  EXPECT_EQ(back.resume->epochsDone, 3);
}

TEST(WireFormat, EpochProgressAndDoneEventsRoundTripBitForBit) {
  TrialEvent epoch;
  epoch.kind = TrialEvent::Kind::Epoch;
  epoch.handle = 5;
  epoch.epoch = {4, {{"loss", 0.1 + 0.2}, {"val_loss", std::nan("")}}, 1e-3, 0.75};
  epoch.awaitsAnswer = true;
  const TrialEvent epochBack = decodeEvents(encodeEvents({epoch})).front();
  EXPECT_EQ(epochBack.kind, TrialEvent::Kind::Epoch);
  EXPECT_TRUE(epochBack.awaitsAnswer);
  EXPECT_TRUE(sameBits(epochBack.epoch.values.at("loss"), 0.1 + 0.2));
  EXPECT_TRUE(std::isnan(epochBack.epoch.values.at("val_loss")));

  TrialEvent progress{TrialEvent::Kind::Progress, 6, {}, someCheckpoint(), {}};
  EXPECT_EQ(decodeEvents(encodeEvents({progress})).front().progress->params,
            someCheckpoint().params);

  TrialEvent done;
  done.kind = TrialEvent::Kind::Done;
  done.handle = 8;
  done.result.ending = TrialRun::Ending::Failed;
  done.result.fit.status = FitStatus::Diverged;
  done.result.fit.history = {epoch.epoch};
  done.result.fit.bestEpoch = 4;
  done.result.fit.message = "loss became NaN at epoch 4";
  done.result.value = 0.3125;
  done.result.test = {{"test_accuracy", 0.875}};
  done.result.error = "diverged";
  done.result.weights = ModelWeights{{1.5F, 2.5F}, {}};
  done.result.checkpoint = someCheckpoint();
  done.result.peakMemoryKiB = 1234;
  const TrialRun back = decodeEvents(encodeEvents({done})).front().result;
  EXPECT_EQ(back.ending, TrialRun::Ending::Failed);
  EXPECT_EQ(back.fit.status, FitStatus::Diverged);
  EXPECT_EQ(back.fit.bestEpoch, 4);
  EXPECT_EQ(back.fit.message, done.result.fit.message);
  EXPECT_EQ(back.value, 0.3125);
  EXPECT_FALSE(back.parameterCount.has_value());
  EXPECT_EQ(back.test, done.result.test);
  EXPECT_EQ(back.error, "diverged");
  EXPECT_EQ(back.weights->params, done.result.weights->params);
  EXPECT_EQ(back.checkpoint->state, someCheckpoint().state);
  EXPECT_EQ(back.peakMemoryKiB, 1234);
}

TEST(WireFormat, AnEpochsAnswerSaysWhichTrialAndWhetherItGoesOn) {
  const EpochAnswer stop = decodeAnswer(encodeAnswer({0xfffffffffffULL, false}));
  EXPECT_EQ(stop.handle, 0xfffffffffffULL);
  EXPECT_FALSE(stop.goOn);
  EXPECT_TRUE(decodeAnswer(encodeAnswer({1, true})).goOn);
}

TEST(WireFormat, AnEventsMessageCutShortIsAnErrorNotAReadPastItsEnd) {
  TrialEvent done;
  done.kind = TrialEvent::Kind::Done;
  done.result.fit.history = {{1, {{"loss", 0.5}}, 0.01, 0.2}};
  done.result.weights = ModelWeights{{1.5F, 2.5F}, {0.5F}};
  const auto whole = encodeEvents({done});
  for (std::size_t size = 0; size < whole.size(); ++size) {
    const std::vector<std::uint8_t> cut(whole.begin(), whole.begin() + static_cast<long>(size));
    EXPECT_THROW(decodeEvents(cut), Error) << "cut to " << size << " of " << whole.size();
  }
  std::vector<std::uint8_t> unknownKind = encodeEvents({done});
  unknownKind[8] = 9;  // after the count: the event's kind
  EXPECT_THROW(decodeEvents(unknownKind), Error);
  std::vector<std::uint8_t> unknownEnding = encodeEvents({done});
  unknownEnding[8 + 1 + 8] = 7;  // after the kind and the handle: how the trial ended
  EXPECT_THROW(decodeEvents(unknownEnding), Error);
  std::vector<std::uint8_t> longer = encodeEvents({done});
  longer.push_back(0);
  EXPECT_THROW(decodeEvents(longer), Error) << "bytes after its end";
  std::vector<std::uint8_t> answer = encodeAnswer({3, true});
  answer.back() = 2;
  EXPECT_THROW(decodeAnswer(answer), Error) << "a bool of 2";
}

TEST(WireFormat, ACheckpointWhoseBytesAreNoCheckpointIsADamagedMessage) {
  TrialEvent progress{TrialEvent::Kind::Progress, 6, {}, someCheckpoint(), {}};
  std::vector<std::uint8_t> bytes = encodeEvents({progress});
  bytes[8 + 1 + 8 + 8] = 0xff;  // the checkpoint's first CBOR byte, after its length
  EXPECT_THROW(decodeEvents(bytes), Error);
}

TEST(WireFormat, AnExecutorsHelloSaysItsCapacityHostAndError) {
  const ExecutorHello hello = decodeHello(encodeHello({3, "node7", "no such file"}));
  EXPECT_EQ(hello.capacity, 3);
  EXPECT_EQ(hello.host, "node7");
  EXPECT_EQ(hello.error, "no such file");
}

}  // namespace
}  // namespace tunelab
