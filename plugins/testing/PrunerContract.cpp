#include "plugins/testing/PrunerContract.h"

#include <algorithm>

#include "plugins/testing/PrunerScript.h"

namespace tunelab::testing {

// NOLINTNEXTLINE(readability-identifier-naming): the name GoogleTest looks up
void PrintTo(const PrunerCase& c, std::ostream* os) { *os << c.name; }

PrunerContract::~PrunerContract() = default;

std::unique_ptr<Pruner> PrunerContract::make(const PrunerCase& c) {
  return c.make(PrunerContext{c.options, 7, c.maxEpochs});
}

namespace {

constexpr std::uint64_t kStudies[] = {1, 2, 3, 4};

std::size_t stops(const std::vector<PrunerCall>& calls) {
  return static_cast<std::size_t>(std::count_if(calls.begin(), calls.end(), [](const auto& call) {
    return call.kind == PrunerCall::Kind::Finished && call.state == TrialOutcome::State::Pruned;
  }));
}

// What the pruner that ran the study answered: Stop where the trial was pruned next.
std::vector<Decision> liveAnswers(const std::vector<PrunerCall>& calls) {
  std::vector<Decision> answers(calls.size(), Decision::Continue);
  for (std::size_t i = 0; i + 1 < calls.size(); ++i) {
    const auto& next = calls[i + 1];
    if (calls[i].kind == PrunerCall::Kind::Report && next.kind == PrunerCall::Kind::Finished &&
        next.id == calls[i].id && next.state == TrialOutcome::State::Pruned) {
      answers[i] = Decision::Stop;
    }
  }
  return answers;
}

// The first call at which two answer sequences differ, for the failure message.
std::string firstDifference(const std::vector<PrunerCall>& calls, const std::vector<Decision>& a,
                            const std::vector<Decision>& b, std::size_t offset = 0) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] != b[i]) {
      return "first at call " + std::to_string(offset + i) + ": " + calls[offset + i].describe();
    }
  }
  return "lengths differ";
}

}  // namespace

TEST_P(PrunerContract, DecisionsFollowOnlyFromTheCallsReceived) {
  const PrunerCase& c = GetParam();
  for (const auto study : kStudies) {
    const auto calls = PrunerScript(c.maxEpochs, study).run(*make(c));
    const auto live = liveAnswers(calls);
    const auto first = replay(*make(c), calls);
    EXPECT_EQ(first, live) << "study " << study << ", " << firstDifference(calls, first, live);
    const auto second = replay(*make(c), calls);
    EXPECT_EQ(second, first) << "study " << study << ", " << firstDifference(calls, second, first);
  }
}

TEST_P(PrunerContract, StopsNoTrialBeforeATrialHasFinished) {
  const PrunerCase& c = GetParam();
  if (c.stopsWithoutFinishedTrials) GTEST_SKIP() << "the pruner documents that it may";
  for (const auto study : kStudies) {
    std::vector<PrunerCall> calls;
    for (const auto& call : PrunerScript(c.maxEpochs, study).run(*make(c))) {
      if (call.kind == PrunerCall::Kind::Finished) break;
      calls.push_back(call);
    }
    // Everything every running trial reports before the first trial ends, to its last epoch.
    const auto pruner = make(c);
    for (const auto& call : calls) {
      EXPECT_EQ(pruner->report(call.id, call.epoch, call.value), Decision::Continue)
          << "study " << study << ": " << call.describe() << " stopped with no trial to compare";
    }
    for (int epoch = 1; epoch <= c.maxEpochs; ++epoch) {
      EXPECT_EQ(pruner->report(100, epoch, 1e9), Decision::Continue) << "trial 100 epoch " << epoch;
    }
  }
}

TEST_P(PrunerContract, FinishedOfAnUnknownTrialChangesNothing) {
  const PrunerCase& c = GetParam();
  for (const auto study : kStudies) {
    const auto calls = PrunerScript(c.maxEpochs, study).run(*make(c));
    std::vector<PrunerCall> withStrangers;
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (i % 10 == 0) {
        const auto stranger = static_cast<TrialId>(1000 + i);
        const auto state = static_cast<TrialOutcome::State>(i / 10 % 3);
        withStrangers.push_back({PrunerCall::Kind::Finished, stranger, 0, 0, state});
      }
      withStrangers.push_back(calls[i]);
    }
    const auto pruner = make(c);
    std::vector<Decision> answers;
    ASSERT_NO_THROW(answers = replay(*pruner, withStrangers)) << "study " << study;
    std::vector<Decision> own;
    for (std::size_t i = 0; i < withStrangers.size(); ++i) {
      if (withStrangers[i].id < 1000) own.push_back(answers[i]);
    }
    const auto expected = replay(*make(c), calls);
    EXPECT_EQ(own, expected) << "study " << study << ", " << firstDifference(calls, own, expected);
  }
}

TEST_P(PrunerContract, AResumedStudysReplayGivesTheSameLaterDecisions) {
  const PrunerCase& c = GetParam();
  for (const auto study : kStudies) {
    const auto calls = PrunerScript(c.maxEpochs, study).run(*make(c));
    const std::size_t step = std::max<std::size_t>(1, calls.size() / 5);
    for (std::size_t cut = step; cut < calls.size(); cut += step) {
      const std::vector<PrunerCall> before(calls.begin(), calls.begin() + std::ptrdiff_t(cut));
      const std::vector<PrunerCall> after(calls.begin() + std::ptrdiff_t(cut), calls.end());
      const auto live = make(c);
      replay(*live, before);
      const auto resumed = make(c);
      replay(*resumed, resumeCalls(before));
      const auto a = replay(*live, after);
      const auto b = replay(*resumed, after);
      EXPECT_EQ(a, b) << "study " << study << " killed after call " << cut << ", "
                      << firstDifference(calls, a, b, cut);
    }
  }
}

TEST_P(PrunerContract, StopsSomeTrialOfSomeStudy) {
  const PrunerCase& c = GetParam();
  std::size_t stopped = 0;
  for (const auto study : kStudies)
    stopped += stops(PrunerScript(c.maxEpochs, study).run(*make(c)));
  EXPECT_GT(stopped, 0U) << "no trial of " << std::size(kStudies) << " studies was stopped";
}

// A test executable links every suite of the kit and instantiates the ones it needs.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PrunerContract);

}  // namespace tunelab::testing
