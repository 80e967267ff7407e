// The study runner starts the trials that take finished ones' places before it commits what
// those finished trials left: a trial that then cannot start must not take those results with it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <sstream>

#include "core/Error.h"
#include "experiments/config/ExperimentSpec.h"
#include "experiments/config/StudySpec.h"
#include "experiments/config/YamlDocument.h"
#include "experiments/objective/FunctionObjective.h"
#include "experiments/store/StudyStore.h"
#include "experiments/study/LocalExecutor.h"
#include "experiments/study/ProgressReporter.h"
#include "experiments/study/StudyRunner.h"
#include "plugins/PluginHost.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

// A LocalExecutor whose n-th launch fails (as an MPI executor's does when no rank is free, or
// a Hyperband promotion's when its parent's checkpoint is gone); it counts the trials it saw end.
class FailingLaunch final : public Executor {
 public:
  FailingLaunch(LocalExecutor& inner, int failingLaunch)
      : inner_(inner), failingLaunch_(failingLaunch) {}
  int capacity() const override { return inner_.capacity(); }
  bool resumesFromCheckpoints() const override { return inner_.resumesFromCheckpoints(); }
  void launch(TrialTask task) override {
    if (++launches_ == failingLaunch_) throw Error("no executor rank is free");
    inner_.launch(std::move(task));
  }
  std::optional<TrialEvent> next(std::chrono::microseconds timeout) override {
    auto event = inner_.next(timeout);
    if (event && event->kind == TrialEvent::Kind::Done) ++done_;
    return event;
  }
  void answer(std::uint64_t handle, bool goOn) override { inner_.answer(handle, goOn); }
  void stopAll() override { inner_.stopAll(); }
  void waitForAll() override { inner_.waitForAll(); }
  void abandon() override { inner_.abandon(); }
  int done() const { return done_; }

 private:
  LocalExecutor& inner_;
  int failingLaunch_;
  int launches_ = 0;
  int done_ = 0;
};

TEST(StudyRunnerTest, ATrialThatCannotStartKeepsTheResultsOfTheTrialsThatFinished) {
  const auto dir = test::scratchDir("StudyRunnerTest.launch");
  const auto storage = dir / "study.db";
  const YamlDocument document = YamlDocument::parse(
      "name: runner\n"
      "search:\n"
      "  strategy: random\n"
      "  max_trials: 40\n"
      "  metric: value\n"
      "  parameters:\n"
      "    x: {min: 0.0, max: 1.0}\n"
      "execution: {parallel_trials: 2, seed: 3, storage: " +
          storage.string() + "}\n",
      "runner.yaml");
  const StudySpec spec = parseStudySpec(document.root(), {"x"});
  PluginHost plugins;
  plugins.loadDirectories(PluginHost::searchPath({}));
  const auto strategy = plugins.strategies().create(spec.strategy, strategyContext(spec));
  StudyStore store(storage);
  store.openStudy(spec.name, document.text(), spec.space.fingerprint(),
                  resultFingerprint(document.root()), true);
  const FunctionObjective objective(
      [](const nlohmann::json& params) { return params.at("x").get<double>(); }, "value");
  LocalExecutor local(objective, 2);
  // Launches 1 and 2 start the study; the 9th replaces a finished trial, inside a burst.
  FailingLaunch executor(local, 9);
  std::ostringstream out;
  const auto progress = makeProgressReporter(ProgressStyle::Quiet, out);
  StudyRunner runner(spec, store, *strategy, nullptr, executor, 1, *progress);
  const std::atomic<bool> stop{false};
  try {
    runner.run(stop);
    FAIL() << "the 9th launch should have failed the run";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("no executor rank is free"));
  }
  ASSERT_GE(executor.done(), 7);
  int complete = 0;
  for (const auto& trial : StudyStore(storage).trials()) {
    complete += trial.status == TrialStatus::Complete ? 1 : 0;
  }
  EXPECT_EQ(complete, executor.done());
}

// Its trials record the metric only at the first of `epochs` epochs (none at all for one
// epoch), then end: the coordinator's stop for the epoch that lacks it comes after the trial's
// end, which it may already have taken from the executor.
class MetricGoesMissing final : public Objective {
 public:
  explicit MetricGoesMissing(int epochs) : epochs_(epochs) {}
  TrialRun run(const TrialSpec& /*trial*/, const TrialContext& /*context*/,
               const TrialEpochCallback& onEpoch) const override {
    TrialRun run;
    for (int epoch = 1; epoch <= epochs_; ++epoch) {
      EpochRecord record;
      record.epoch = epoch;
      record.values[epoch == 1 && epochs_ > 1 ? "value" : "other"] = 1.0;
      record.last = epoch == epochs_;
      run.fit.history.push_back(record);
      if (!onEpoch(record)) {
        run.ending = TrialRun::Ending::Stopped;
        break;
      }
    }
    run.fit.bestEpoch = 1;
    return run;
  }
  bool resumesFromCheckpoints() const override { return false; }

 private:
  int epochs_;
};

TEST(StudyRunnerTest, AMetricMissingFromATrialsLastEpochFailsTheTrialNotTheStudy) {
  for (const int epochs : {1, 2}) {
    const auto dir = test::scratchDir("StudyRunnerTest.missing" + std::to_string(epochs));
    const auto storage = dir / "study.db";
    const YamlDocument document = YamlDocument::parse(
        "name: missing\n"
        "search:\n"
        "  strategy: random\n"
        "  max_trials: 12\n"
        "  metric: value\n"
        "  parameters:\n"
        "    x: {min: 0.0, max: 1.0}\n"
        "execution: {parallel_trials: 2, seed: 3, storage: " +
            storage.string() + "}\n",
        "missing.yaml");
    const StudySpec spec = parseStudySpec(document.root(), {"x"});
    PluginHost plugins;
    plugins.loadDirectories(PluginHost::searchPath({}));
    const auto strategy = plugins.strategies().create(spec.strategy, strategyContext(spec));
    StudyStore store(storage);
    store.openStudy(spec.name, document.text(), spec.space.fingerprint(),
                    resultFingerprint(document.root()), true);
    const MetricGoesMissing objective(epochs);
    LocalExecutor executor(objective, 2);
    std::ostringstream out;
    const auto progress = makeProgressReporter(ProgressStyle::Quiet, out);
    StudyRunner runner(spec, store, *strategy, nullptr, executor, 1, *progress);
    const std::atomic<bool> stop{false};
    EXPECT_NO_THROW(runner.run(stop)) << epochs << " epochs";
    const auto trials = StudyStore(storage).trials();
    EXPECT_EQ(trials.size(), 12U) << epochs << " epochs";
    for (const auto& trial : trials) {
      EXPECT_EQ(trial.status, TrialStatus::Failed) << epochs << " epochs, trial " << trial.id;
      EXPECT_THAT(trial.error, HasSubstr("search.metric 'value' is not among the values"));
      EXPECT_EQ(trial.epochs, epochs) << "trial " << trial.id;
    }
  }
}

}  // namespace
}  // namespace tunelab
