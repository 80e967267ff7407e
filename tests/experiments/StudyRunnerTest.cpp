// The study runner starts the trials that take finished ones' places before it commits what
// those finished trials left: a trial that then cannot start must not take those results with it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

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

std::string randomStudyFile(const std::string& name, int trials,
                            const std::filesystem::path& storage) {
  return "name: " + name +
         "\nsearch:\n  strategy: random\n  max_trials: " + std::to_string(trials) +
         "\n  metric: value\n  parameters:\n    x: {min: 0.0, max: 1.0}\n"
         "execution: {parallel_trials: 2, seed: 3, storage: " +
         storage.string() + "}\n";
}

// A random search over x in [0, 1] for the metric "value", 2 trials at once, in a new store.
struct RandomStudy {
  RandomStudy(const std::string& name, int trials)
      : storage(test::scratchDir("StudyRunnerTest." + name) / "study.db"),
        document(YamlDocument::parse(randomStudyFile(name, trials, storage), name + ".yaml")),
        spec(parseStudySpec(document.root(), {"x"})),
        store(storage) {
    plugins.loadDirectories(PluginHost::searchPath({}));
    strategy = plugins.strategies().create(spec.strategy, strategyContext(spec));
    store.openStudy(spec.name, document.text(), spec.space.fingerprint(),
                    resultFingerprint(document.root()), true);
  }
  std::filesystem::path storage;
  YamlDocument document;
  StudySpec spec;
  PluginHost plugins;
  std::unique_ptr<Strategy> strategy;
  StudyStore store;
};

TEST(StudyRunnerTest, ATrialThatCannotStartKeepsTheResultsOfTheTrialsThatFinished) {
  RandomStudy study("launch", 40);
  const FunctionObjective objective(
      [](const nlohmann::json& params) { return params.at("x").get<double>(); }, "value");
  LocalExecutor local(objective, 2);
  // Launches 1 and 2 start the study; the 9th replaces a finished trial, inside a burst.
  FailingLaunch executor(local, 9);
  std::ostringstream out;
  const auto progress = makeProgressReporter(ProgressStyle::Quiet, out);
  StudyRunner runner(study.spec, study.store, *study.strategy, nullptr, executor, 1, *progress);
  const std::atomic<bool> stop{false};
  try {
    runner.run(stop);
    FAIL() << "the 9th launch should have failed the run";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("no executor rank is free"));
  }
  ASSERT_GE(executor.done(), 7);
  int complete = 0;
  for (const auto& trial : StudyStore(study.storage).trials()) {
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
    RandomStudy study("missing" + std::to_string(epochs), 12);
    const MetricGoesMissing objective(epochs);
    LocalExecutor executor(objective, 2);
    std::ostringstream out;
    const auto progress = makeProgressReporter(ProgressStyle::Quiet, out);
    StudyRunner runner(study.spec, study.store, *study.strategy, nullptr, executor, 1, *progress);
    const std::atomic<bool> stop{false};
    EXPECT_NO_THROW(runner.run(stop)) << epochs << " epochs";
    const auto trials = StudyStore(study.storage).trials();
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
