#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <vector>

#include "experiments/study/LocalExecutor.h"

namespace tunelab {
namespace {

constexpr int kEpochs = 6;

// Reports kEpochs epochs unless told to stop; ends Stopped when it was. Before its third epoch
// it waits for `gate`, when it has one.
class CountingObjective final : public Objective {
 public:
  explicit CountingObjective(std::shared_future<void> gate = {}, int epochs = kEpochs)
      : gate_(std::move(gate)), epochs_(epochs) {}
  TrialRun run(const TrialSpec& /*trial*/, const TrialContext& /*context*/,
               const TrialEpochCallback& onEpoch) const override {
    TrialRun run;
    for (int epoch = 1; epoch <= epochs_; ++epoch) {
      if (epoch == 3 && gate_.valid()) gate_.wait();
      EpochRecord record{epoch, {{"loss", 1.0 / epoch}}, 0.01, 0.0, epoch == epochs_};
      run.fit.history.push_back(record);
      if (!onEpoch(record)) {
        run.ending = TrialRun::Ending::Stopped;
        break;
      }
    }
    return run;
  }
  bool resumesFromCheckpoints() const override { return false; }

 private:
  std::shared_future<void> gate_;
  int epochs_;
};

TrialTask taskAnsweringEveryEpoch(bool every) {
  TrialTask task;
  task.handle = 1;
  task.answerEveryEpoch = every;
  return task;
}

// Takes every event of the trial until Done, answering those that wait: go on, except
// `stopAt`'s answer (which is sent even when that epoch does not wait).
std::vector<TrialEvent> drive(LocalExecutor& executor, int stopAt) {
  std::vector<TrialEvent> events;
  for (;;) {
    auto event = executor.next(std::chrono::seconds(10));
    if (!event) ADD_FAILURE() << "the trial stalled after " << events.size() << " events";
    if (!event) return events;
    events.push_back(*event);
    if (event->kind == TrialEvent::Kind::Done) return events;
    const bool stop = event->epoch.epoch == stopAt;
    if (event->awaitsAnswer || stop) executor.answer(event->handle, !stop);
  }
}

TEST(LocalExecutor, WithoutAPrunerOnlyTheFirstEpochWaitsForTheCoordinator) {
  const CountingObjective objective;
  LocalExecutor executor(objective, 1);
  executor.launch(taskAnsweringEveryEpoch(false));
  const auto events = drive(executor, 0);
  ASSERT_EQ(events.size(), kEpochs + 1U);
  EXPECT_TRUE(events.front().awaitsAnswer);
  for (std::size_t i = 1; i < kEpochs; ++i) EXPECT_FALSE(events[i].awaitsAnswer) << i;
  EXPECT_EQ(events.back().result.ending, TrialRun::Ending::Complete);
}

// A function objective's one value: nothing can follow it, so no round trip holds the trial.
TEST(LocalExecutor, ARunsOnlyEpochWaitsForNoAnswerWithoutAPruner) {
  const CountingObjective objective({}, 1);
  LocalExecutor executor(objective, 1);
  executor.launch(taskAnsweringEveryEpoch(false));
  const auto events = drive(executor, 0);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_FALSE(events.front().awaitsAnswer);
  EXPECT_EQ(events.back().result.ending, TrialRun::Ending::Complete);
}

// With a pruner the last epoch still waits: its answer decides pruned or complete.
TEST(LocalExecutor, WithAPrunerALastEpochStillWaitsAndItsStopPrunesTheRun) {
  const CountingObjective objective({}, 1);
  LocalExecutor executor(objective, 1);
  executor.launch(taskAnsweringEveryEpoch(true));
  const auto events = drive(executor, 1);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_TRUE(events.front().awaitsAnswer);
  EXPECT_EQ(events.back().result.ending, TrialRun::Ending::Stopped);
}

TEST(LocalExecutor, WithAPrunerEveryEpochWaitsAndAStopEndsTheTrialAtThatEpoch) {
  const CountingObjective objective;
  LocalExecutor executor(objective, 1);
  executor.launch(taskAnsweringEveryEpoch(true));
  const auto events = drive(executor, 3);
  ASSERT_EQ(events.size(), 4U);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(events[i].awaitsAnswer) << i;
  EXPECT_EQ(events.back().result.ending, TrialRun::Ending::Stopped);
  EXPECT_EQ(events.back().result.fit.history.size(), 3U);
}

TEST(LocalExecutor, AStopForAnEpochThatDidNotWaitEndsTheTrialAtItsNextEpoch) {
  std::promise<void> stopSent;
  const CountingObjective objective(stopSent.get_future().share());
  LocalExecutor executor(objective, 1);
  executor.launch(taskAnsweringEveryEpoch(false));
  auto first = executor.next(std::chrono::seconds(10));
  ASSERT_TRUE(first && first->awaitsAnswer);
  executor.answer(first->handle, true);
  // An epoch that waits for nothing wakes nobody: it comes when the wait ends.
  auto second = executor.next(std::chrono::milliseconds(100));
  ASSERT_TRUE(second && !second->awaitsAnswer);
  executor.answer(second->handle, false);
  stopSent.set_value();
  const auto rest = drive(executor, 0);
  ASSERT_FALSE(rest.empty());
  EXPECT_EQ(rest.back().result.ending, TrialRun::Ending::Stopped);
  EXPECT_EQ(rest.back().result.fit.history.size(), 3U);
}

}  // namespace
}  // namespace tunelab
