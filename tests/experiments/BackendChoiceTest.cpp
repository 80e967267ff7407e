// How `execution.backend: auto` decides: the fastest candidate on the model, measured once per
// model and machine and then read from the cache, measured again when the key changes; and
// `threads_per_trial: auto` takes more than one thread only when they pay for themselves.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
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

// Trials contend when several run at once (two OpenBLAS trials slow each other by 1.5-2x on
// MAGIC's model): the verdict says it was measured that way.
TEST_F(BackendChoiceTest, SaysHowManyTrialsRanAtOnceWhenItWasMeasured) {
  FakeMachine machine;
  BackendChoice choice = chooseBackend(candidates_, "model A", cache_, machine.measure());
  choice.sideBySide = 2;
  EXPECT_EQ(describeChoice(choice),
            "backend auto: onednn (1.32x faster than openblas on this model with 2 trials at "
            "once: 41.0 us vs 54.0 us per step)");
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
            "faster that pays for the cores: 37.3 us vs 41.0 us)");
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

// A busy machine: every other timing is inflated by a factor that doubles each time, so no
// fastest time is ever seen twice. (Seen: a verdict "2 threads: 0.07x faster ... 64.0 ms vs
// 4.77 ms", measured while builds ran, was cached and read back on an idle machine.)
struct BusyMachine {
  int measured = 0;
  MeasureStep measure() {
    return [this](const std::string& backend, int threads) {
      ++measured;
      const double base = (backend == "onednn" ? 41e-6 : 54e-6) / (threads > 1 ? 1.8 : 1.0);
      return base * (measured % 2 == 0 ? 1.0 : std::pow(2.0, measured));
    };
  }
};

TEST_F(BackendChoiceTest, TimingsABusyMachineCannotReproduceAreNeverCached) {
  BusyMachine machine;
  const BackendChoice choice = chooseBackend(candidates_, "model A", cache_, machine.measure());
  EXPECT_FALSE(choice.steady);
  EXPECT_THAT(describeChoice(choice), HasSubstr("timings unsteady, the machine is busy: not "
                                                "cached, a new study measures again"));
  const ThreadsChoice threads = chooseThreads(2, "onednn", "model A", cache_, machine.measure());
  EXPECT_EQ(threads.threads, 1);  // unproven threads never run a trial
  EXPECT_FALSE(threads.steady);
  EXPECT_THAT(describeThreads(threads), HasSubstr("unproven, so one thread"));
  EXPECT_FALSE(std::filesystem::exists(cache_));

  FakeMachine idle;
  idle.speedUpOfTwoThreads = 1.8;
  EXPECT_EQ(chooseBackend(candidates_, "model A", cache_, idle.measure()).source,
            BackendChoice::Source::Measured);
  EXPECT_EQ(chooseThreads(2, "onednn", "model A", cache_, idle.measure()).threads, 2);
}

TEST_F(BackendChoiceTest, OneSlowRoundIsMeasuredAgainNotBelieved) {
  int measured = 0;
  const MeasureStep firstSlow = [&](const std::string& backend, int threads) {
    ++measured;
    const double base = (backend == "onednn" ? 41e-6 : 54e-6) / (threads > 1 ? 1.8 : 1.0);
    return measured <= 2 ? base * 20 : base;
  };
  const ThreadsChoice choice = chooseThreads(2, "onednn", "model A", cache_, firstSlow);
  EXPECT_TRUE(choice.steady);
  EXPECT_EQ(choice.threads, 2);
  EXPECT_THAT(describeThreads(choice), HasSubstr("1.80x faster per step than 1"));
}

TEST(DescribeThreads, SaysSlowerWhenMoreThreadsAreSlower) {
  ThreadsChoice choice;
  choice.tried = 2;
  choice.oneThread = 4.77e-3;
  choice.triedThreads = 64e-3;
  EXPECT_THAT(describeThreads(choice), HasSubstr("2 threads: 13.42x slower per step than 1"));
}

}  // namespace
}  // namespace tunelab
