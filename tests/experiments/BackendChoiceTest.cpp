// How `execution.backend: auto` decides: the fastest candidate on the model, measured once per
// model and machine and then read from the cache, measured again when the key changes; and
// `threads_per_trial: auto` takes more than one thread only when they pay for themselves.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "experiments/study/BackendChoice.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

// A machine where onednn takes 41 us a step and openblas 54 us; counts the measurements.
struct FakeMachine {
  std::map<std::string, double> seconds{{"onednn", 41e-6}, {"openblas", 54e-6}};
  double speedUpOfTwoThreads = 1.1;
  int measured = 0;
  MeasureStep measure() {
    return [this](const std::string& backend, int threads) {
      ++measured;
      return seconds.at(backend) / (threads > 1 ? speedUpOfTwoThreads : 1.0);
    };
  }
};

class BackendChoiceTest : public ::testing::Test {
 protected:
  void SetUp() override { cache_ = test::scratchDir("backend-choice") / "backend-choice.json"; }
  std::filesystem::path cache_;
  const std::vector<std::string> candidates_{"openblas", "onednn"};
};

TEST_F(BackendChoiceTest, PicksTheFastestAndSaysByHowMuch) {
  FakeMachine machine;
  const BackendChoice choice = chooseBackend(candidates_, "model A", cache_, machine.measure());
  EXPECT_EQ(choice.backend, "onednn");
  EXPECT_EQ(choice.source, BackendChoice::Source::Measured);
  EXPECT_EQ(describeChoice(choice),
            "backend auto: onednn (1.32x faster than openblas on this model: 41.0 us vs 54.0 us "
            "per step)");
}

TEST_F(BackendChoiceTest, SecondTimeReadsTheCacheAndANewKeyMeasuresAgain) {
  FakeMachine machine;
  (void)chooseBackend(candidates_, "model A", cache_, machine.measure());
  const int first = machine.measured;
  EXPECT_GT(first, 0);
  const BackendChoice again = chooseBackend(candidates_, "model A", cache_, machine.measure());
  EXPECT_EQ(machine.measured, first);  // nothing measured
  EXPECT_EQ(again.source, BackendChoice::Source::Cached);
  EXPECT_EQ(again.backend, "onednn");
  EXPECT_THAT(describeChoice(again), HasSubstr("cached"));
  EXPECT_THAT(describeChoice(again), HasSubstr("41.0 us vs 54.0 us"));

  machine.seconds["openblas"] = 30e-6;  // say another core type makes openblas faster
  const BackendChoice other =
      chooseBackend(candidates_, "model A; OPENBLAS_CORETYPE=SkylakeX", cache_, machine.measure());
  EXPECT_GT(machine.measured, first);
  EXPECT_EQ(other.source, BackendChoice::Source::Measured);
  EXPECT_EQ(other.backend, "openblas");
}

TEST_F(BackendChoiceTest, AnUnreadableOrUnwritableCacheIsNeverRequired) {
  FakeMachine machine;
  std::ofstream(cache_) << "not json {";
  EXPECT_EQ(chooseBackend(candidates_, "model A", cache_, machine.measure()).backend, "onednn");
  const auto nowhere = std::filesystem::path("/proc/no-such-dir/backend-choice.json");
  EXPECT_EQ(chooseBackend(candidates_, "model A", nowhere, machine.measure()).backend, "onednn");
  EXPECT_EQ(chooseBackend(candidates_, "model A", std::nullopt, machine.measure()).backend,
            "onednn");
}

TEST_F(BackendChoiceTest, OneCandidateIsNotMeasured) {
  FakeMachine machine;
  const BackendChoice choice = chooseBackend({"openblas"}, "model A", cache_, machine.measure());
  EXPECT_EQ(choice.backend, "openblas");
  EXPECT_EQ(machine.measured, 0);
}

TEST_F(BackendChoiceTest, MoreThreadsOnlyWhenTheyPayForThemselves) {
  FakeMachine machine;
  machine.speedUpOfTwoThreads = 1.1;  // a busy machine, or a small model
  const ThreadsChoice busy = chooseThreads(2, "onednn", "model A", cache_, machine.measure());
  EXPECT_EQ(busy.threads, 1);
  EXPECT_EQ(describeThreads(busy),
            "threads per trial auto: 1 (2 threads: 1.10x faster per step than 1, below the 1.50x "
            "that pays for the cores: 37.3 us vs 41.0 us)");
  machine.speedUpOfTwoThreads = 1.8;
  EXPECT_EQ(chooseThreads(2, "onednn", "model B", cache_, machine.measure()).threads, 2);
  const int measured = machine.measured;
  const ThreadsChoice cached = chooseThreads(2, "onednn", "model B", cache_, machine.measure());
  EXPECT_EQ(cached.threads, 2);
  EXPECT_EQ(machine.measured, measured);
  EXPECT_THAT(describeThreads(cached), HasSubstr("cached verdict"));
  EXPECT_EQ(chooseThreads(1, "onednn", "model C", cache_, machine.measure()).threads, 1);
  EXPECT_EQ(machine.measured, measured);  // one core: nothing to measure
}

}  // namespace
}  // namespace tunelab
