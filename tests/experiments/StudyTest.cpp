// `tunelab run` as a user meets it: a grid runs every point once, results do not depend on how
// many trials run at once, a rerun resumes, a killed study loses no finished work, and bad
// files get located messages.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "core/Error.h"
#include "core/Rng.h"
#include "experiments/cli/BestCommand.h"
#include "experiments/cli/CompareCommand.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/cli/ExportCommand.h"
#include "experiments/cli/RunCommand.h"
#include "experiments/cli/StatusCommand.h"
#include "experiments/store/Sqlite.h"
#include "experiments/store/StudyStore.h"
#include "tests/support/ReportPage.h"
#include "tests/support/StudyFixture.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

using test::Outcome;
using test::studyContents;

// A toy binary problem (label = x0 + x1 > 1) and a 2 x 2 x 2 grid over it.
constexpr const char* kGrid = R"(name: toy-grid
data: {source: toy.csv, target: label, split: {test: 0.2, validation: 0.25}}
model:
  layers:
    - {type: dense, units: $units, activation: relu}
    - {type: dropout, rate: 0.1}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
  metrics: [accuracy]
train:
  optimizer: {type: adam, learning_rate: $lr}
  batch_size: $batch
  epochs: 6
search:
  strategy: grid
  parameters:
    units: {values: [4, 8]}
    lr: {values: [0.01, 0.05]}
    batch: {values: [16, 32]}
execution: {seed: 7, storage: study.db}
)";

class StudyTest : public test::StudyFixture {
 protected:
  // `tunelab run exp` in a child process storing in `storage`, its output appended to
  // <storage>.log, with files limited to `fileSizeLimit` bytes.
  pid_t startChild(const std::filesystem::path& exp, const std::string& storage,
                   std::optional<rlim_t> fileSizeLimit = {}) {
    const pid_t pid = fork();
    if (pid == 0) {
      std::filesystem::current_path(dir_);
      const int log = ::open(logOf(storage).c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      if (fileSizeLimit) {
        std::signal(SIGXFSZ, SIG_IGN);
        const rlimit limit{*fileSizeLimit, *fileSizeLimit};
        setrlimit(RLIMIT_FSIZE, &limit);
      }
      const std::string exe = test::tunelabExecutable().string();
      const std::string set = "execution.storage=" + storage;
      const std::string out = "execution.output=" + (dir_ / "out").string();
      execl(exe.c_str(), exe.c_str(), "run", exp.c_str(), "--data-dir", dir_.c_str(), "--set",
            set.c_str(), "--set", out.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    return pid;
  }

  static int waitFor(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
  }

  int runInChild(const std::filesystem::path& exp, const std::string& storage,
                 std::optional<rlim_t> fileSizeLimit = {}) {
    return waitFor(startChild(exp, storage, fileSizeLimit));
  }

  // Epochs stored in a study (0 before it exists); another process may be writing it.
  static double storedEpochs(const std::filesystem::path& db) {
    if (!std::filesystem::exists(db)) return 0;
    SqliteDatabase connection(db);
    connection.execute("PRAGMA busy_timeout = 10000");
    auto count = connection.prepare("SELECT count(*) FROM epochs");
    return count.next() ? static_cast<double>(count.integer(0)) : 0;
  }

  // Waits until `db` holds at least `epochs` epochs or the child has ended; true when it does.
  static bool waitForStoredEpochs(const std::filesystem::path& db, double epochs, pid_t child) {
    while (true) {
      siginfo_t ended{};
      waitid(P_PID, static_cast<id_t>(child), &ended, WEXITED | WNOHANG | WNOWAIT);
      if (storedEpochs(db) >= epochs) return true;
      if (ended.si_pid != 0) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  [[nodiscard]] std::filesystem::path logOf(const std::string& storage) const {
    return dir_ / (storage + ".log");
  }

  // Waits until the log of `storage` holds `count` "Store:" lines (a run has prepared its data
  // and starts training) or the child has ended; true when the line came.
  bool waitForStoreLine(const std::string& storage, int count, pid_t child) const {
    while (true) {
      siginfo_t ended{};
      waitid(P_PID, static_cast<id_t>(child), &ended, WEXITED | WNOHANG | WNOWAIT);
      std::ifstream log(logOf(storage));
      int seen = 0;
      for (std::string line; std::getline(log, line);) seen += line.starts_with("Store: ") ? 1 : 0;
      if (seen >= count) return true;
      if (ended.si_pid != 0) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
};

TEST_F(StudyTest, GridRunsEveryPointOnceAndStoresEveryEpoch) {
  const Outcome o = run(kGrid);
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_THAT(o.out, HasSubstr("Trials: 8 complete"));
  StudyStore store(dir_ / "study.db");
  const auto trials = store.trials();
  ASSERT_EQ(trials.size(), 8U);
  std::set<std::string> points;
  for (const auto& t : trials) {
    points.insert(t.params.dump());
    EXPECT_EQ(t.status, TrialStatus::Complete);
    EXPECT_EQ(store.epochs(t.id, t.backend).size(), 6U);
    ASSERT_TRUE(t.value.has_value());
    EXPECT_GT(*t.value, 0.0);
  }
  EXPECT_EQ(points.size(), 8U);
  EXPECT_EQ(store.integrityCheck(), "ok");
  // Each trial's peak tensor memory: a wider model needs more, and both are small.
  std::map<int, std::int64_t> memoryByUnits;
  for (const auto& t : trials) {
    auto& m = memoryByUnits[t.params.at("units").get<int>()];
    m = std::max(m, t.peakMemoryKiB);
    EXPECT_GT(t.peakMemoryKiB, 0);
    EXPECT_LT(t.peakMemoryKiB, 1024);
  }
  EXPECT_GT(memoryByUnits.at(8), memoryByUnits.at(4));
  std::ifstream csv(dir_ / "out" / "results.csv");
  std::string line;
  int rows = 0;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 9);  // header + 8 trials
}

TEST_F(StudyTest, OneAndTwoParallelTrialsGiveIdenticalResults) {
  ASSERT_EQ(run(kGrid, {"execution.parallel_trials=1", "execution.storage=one.db"}).code, kExitOk);
  ASSERT_EQ(run(kGrid, {"execution.parallel_trials=2", "execution.storage=two.db"}).code, kExitOk);
  const std::string one = studyContents(dir_ / "one.db");
  EXPECT_FALSE(one.empty());
  EXPECT_EQ(one, studyContents(dir_ / "two.db"));
}

TEST_F(StudyTest, GpStudyGivesIdenticalResultsWithOneAndTwoParallelTrials) {
  std::string gp = kGrid;
  gp.replace(gp.find("strategy: grid"), 14,
             "strategy: gp\n  max_trials: 9\n  gp: {initial_trials: 3, lag: 1}");
  gp.replace(gp.find("{values: [0.01, 0.05]}"), 22,
             "{min: 0.001, max: 0.1, distribution: log_uniform}");
  ASSERT_EQ(run(gp, {"execution.parallel_trials=1"}).code, kExitOk);
  const std::string one = studyContents(dir_ / "study.db");
  ASSERT_EQ(run(gp, {"execution.parallel_trials=2"}, true).code, kExitOk);
  EXPECT_EQ(studyContents(dir_ / "study.db"), one);
  EXPECT_THAT(one, ::testing::ContainsRegex("\n8 [a-z]+ complete")) << one;  // all 9 ran
}

TEST_F(StudyTest, RerunResumesWithoutRunningFinishedTrialsAgain) {
  ASSERT_EQ(run(kGrid).code, kExitOk);
  const std::string first = studyContents(dir_ / "study.db");
  const Outcome again = run(kGrid);
  ASSERT_EQ(again.code, kExitOk) << again.err;
  EXPECT_THAT(again.out, HasSubstr("8 trials finished earlier"));
  EXPECT_THAT(again.out, HasSubstr("Ran 0 trials"));
  EXPECT_EQ(studyContents(dir_ / "study.db"), first);
}

TEST_F(StudyTest, ChangedSearchSpaceIsRefusedUnlessNewStudy) {
  ASSERT_EQ(run(kGrid).code, kExitOk);
  std::string changed = kGrid;
  changed.replace(changed.find("[4, 8]"), 6, "[4, 16]");
  const Outcome refused = run(changed);
  EXPECT_EQ(refused.code, kExitOutput);
  EXPECT_THAT(refused.err, HasSubstr("holds a study with another search space"));
  EXPECT_THAT(refused.err, HasSubstr("--new-study"));
  const Outcome fresh = run(changed, {}, true);
  EXPECT_EQ(fresh.code, kExitOk) << fresh.err;
  EXPECT_THAT(fresh.out, HasSubstr("Ran 8 trials"));
}

TEST_F(StudyTest, UnknownParameterReferenceIsLocated) {
  std::string bad = kGrid;
  bad.replace(bad.find("$units"), 6, "$unit");
  const Outcome o = run(bad);
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, HasSubstr("exp.yaml:5:"));
  EXPECT_THAT(o.err, HasSubstr("refers to $unit, which search.parameters does not define"));
  EXPECT_THAT(o.err, HasSubstr("did you mean $units?"));
}

TEST_F(StudyTest, ParameterNeverUsedIsAnError) {
  std::string bad = kGrid;
  bad.replace(bad.find("    batch: {values"), 0, "    momentum: {values: [0.9]}\n");
  const Outcome o = run(bad);
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, HasSubstr("search.parameters.momentum: $momentum is defined but never used"));
}

TEST_F(StudyTest, UnknownStrategyListsTheAvailableOnesAndTheDirectoriesSearched) {
  std::string bad = kGrid;
  bad.replace(bad.find("strategy: grid"), 14, "strategy: gird");
  const Outcome o = run(bad);
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, HasSubstr("unknown strategy 'gird' (did you mean 'grid'?)"));
  EXPECT_THAT(o.err, HasSubstr("random"));
  EXPECT_THAT(o.err, HasSubstr("plugin directories searched"));
}

TEST_F(StudyTest, DivergingTrialIsRecordedAsFailedAndTheStudyGoesOn) {
  std::string diverging = kGrid;
  diverging.replace(diverging.find("{type: adam, learning_rate: $lr}"), 32,
                    "{type: sgd, learning_rate: $lr}");
  diverging.replace(diverging.find("[0.01, 0.05]"), 12, "[0.01, 1.0e+30]");
  const Outcome o = run(diverging);
  EXPECT_EQ(o.code, kExitOk) << o.err;
  StudyStore store(dir_ / "study.db");
  int failed = 0;
  int complete = 0;
  for (const auto& t : store.trials()) {
    if (t.status == TrialStatus::Failed) {
      ++failed;
      EXPECT_THAT(t.error, HasSubstr("NaN"));
      EXPECT_EQ(t.params["lr"], 1e30);
    }
    complete += t.status == TrialStatus::Complete ? 1 : 0;
  }
  EXPECT_EQ(failed, 4);
  EXPECT_EQ(complete, 4);
}

TEST_F(StudyTest, UnwritableStoreIsAClearErrorNamingTheFile) {
  const Outcome o = run(kGrid, {"execution.storage=/proc/tunelab-test/study.db"});
  EXPECT_EQ(o.code, kExitOutput);
  EXPECT_THAT(o.err, HasSubstr("/proc/tunelab-test"));
}

TEST_F(StudyTest, MetricThatTrainingDoesNotRecordIsRefusedBeforeTheFirstTrial) {
  std::string bad = kGrid;
  bad.replace(bad.find("  strategy: grid"), 0, "  metric: val_auc\n");
  const Outcome o = run(bad);
  EXPECT_EQ(o.code, kExitBadInput) << o.out;
  EXPECT_THAT(o.err, HasSubstr("exp.yaml:15:3: search.metric: 'val_auc' is not recorded by a "
                               "trial; each epoch records loss, accuracy, val_loss, val_accuracy"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "study.db"));
}

TEST_F(StudyTest, BackendListRunsEveryTrialOnEachAndCompareReportsThem) {
  const Outcome o = run(kGrid, {"execution.backend=[reference, openblas, onednn]"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  StudyStore store(dir_ / "study.db");
  std::map<std::string, int> perBackend;
  for (const auto& t : store.trials()) ++perBackend[t.backend];
  EXPECT_EQ(perBackend["reference"], 8);
  EXPECT_EQ(perBackend["openblas"], 8);
  EXPECT_EQ(perBackend["onednn"], 8);
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(runCompare({dir_ / "study.db", {}}, out, err), kExitOk) << err.str();
  EXPECT_THAT(out.str(), ::testing::ContainsRegex("reference +1 +8 "));
  EXPECT_THAT(out.str(), HasSubstr("(baseline)"));
  EXPECT_THAT(out.str(), ::testing::ContainsRegex("openblas +1 +8 "));
  // The difference's size depends on the CPU's kernels (it may even be 0): only its presence.
  EXPECT_THAT(out.str(), ::testing::ContainsRegex("onednn +1 +8 .* [0-9]\\.[0-9]e[-+][0-9]+\n"));
}

TEST_F(StudyTest, HyperbandPromotedTrialsContinueFromTheirCheckpoints) {
  std::string hyperband = kGrid;
  hyperband.replace(hyperband.find("strategy: grid"), 14,
                    "strategy: hyperband\n  hyperband: {min_epochs: 2, eta: 2}");
  hyperband.replace(hyperband.find("epochs: 6"), 9, "epochs: 8");
  const Outcome o = run(hyperband);
  ASSERT_EQ(o.code, kExitOk) << o.err;
  StudyStore store(dir_ / "study.db");
  int promoted = 0;
  int epochsTrained = 0;
  std::map<TrialId, TrialRecord> byId;
  for (const auto& t : store.trials()) byId[t.id] = t;
  for (const auto& [id, t] : byId) {
    epochsTrained += t.epochs;
    EXPECT_EQ(t.status, TrialStatus::Complete);
    if (!t.resumeFrom) continue;
    ++promoted;
    const TrialRecord& parent = byId.at(*t.resumeFrom);
    EXPECT_EQ(t.params, parent.params);
    const auto epochs = store.epochs(t.id, t.backend);
    ASSERT_FALSE(epochs.empty());
    // The promoted trial goes on where its parent stopped: no epoch is trained twice.
    EXPECT_EQ(epochs.front().epoch, parent.budget + 1);
    EXPECT_EQ(epochs.back().epoch, t.budget);
  }
  EXPECT_GT(promoted, 0);
  EXPECT_LT(epochsTrained, 8 * 8) << "fewer epochs than the whole grid at full budget";
}

TEST_F(StudyTest, PluginLayerThatThrowsFailsItsTrialsAndTheOthersComplete) {
  std::string exploding = kGrid;
  exploding.replace(exploding.find("    - {type: dropout, rate: 0.1}"), 32,
                    "    - {type: $layer, rate: 0.1}");
  exploding.replace(exploding.find("    units: {values"), 0,
                    "    layer: {values: [explode, dropout]}\n");
  RunArguments args;
  args.experiment = write("exp.yaml", exploding);
  args.overrides = {"execution.output=" + (dir_ / "out").string(),
                    "execution.storage=" + (dir_ / "study.db").string()};
  args.dataDirs = {dir_};
  args.pluginDirs = {test::binaryDir() / "plugin-fixtures"};
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(runStudy(args, out, err), kExitOk) << err.str();
  StudyStore store(dir_ / "study.db");
  int failed = 0;
  int complete = 0;
  for (const auto& t : store.trials()) {
    if (t.params["layer"] == "explode") {
      EXPECT_EQ(t.status, TrialStatus::Failed);
      EXPECT_THAT(t.error, HasSubstr("explode: the plugin's forward pass failed on purpose"));
      ++failed;
    } else {
      EXPECT_EQ(t.status, TrialStatus::Complete);
      ++complete;
    }
  }
  EXPECT_EQ(failed, 8);
  EXPECT_EQ(complete, 8);
}

TEST_F(StudyTest, MedianStoppingRulePrunesTrialsWorseThanTheMedian) {
  std::string median = kGrid;
  // Half the trials learn nothing (a learning rate of 1e-7): the rule must stop them early.
  median.replace(median.find("[0.01, 0.05]"), 12, "[0.05, 1.0e-7]");
  median.replace(median.find("epochs: 6"), 9, "epochs: 12");
  median.replace(median.find("  parameters:"), 0,
                 "  early_terminate: {type: median, warmup_epochs: 3, min_trials: 2}\n");
  const Outcome o = run(median, {"execution.parallel_trials=1"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  StudyStore store(dir_ / "study.db");
  int complete = 0;
  for (const auto& t : store.trials()) {
    if (t.params["lr"] == 1e-7 && t.id >= 2) {
      EXPECT_EQ(t.status, TrialStatus::Pruned) << "a trial that learns nothing is stopped";
    }
    if (t.status == TrialStatus::Pruned) {
      EXPECT_LT(t.epochs, 12);
      EXPECT_GE(t.epochs, 3) << "never before the warm-up";
    }
    complete += t.status == TrialStatus::Complete ? 1 : 0;
  }
  EXPECT_GE(complete, 2) << "the trials that learn go on to the end";
}

TEST_F(StudyTest, HyperbandWithAPrunerPromotesOnlyCompleteTrials) {
  std::string study = kGrid;
  study.replace(study.find("strategy: grid"), 14,
                "strategy: hyperband\n  hyperband: {min_epochs: 4, eta: 2}\n"
                "  early_terminate: {type: median, warmup_epochs: 1, min_trials: 1}");
  study.replace(study.find("[0.01, 0.05]"), 12, "[0.05, 1.0e-7]");
  study.replace(study.find("epochs: 6"), 9, "epochs: 16");
  const Outcome o = run(study, {"execution.parallel_trials=1"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  StudyStore store(dir_ / "study.db");
  std::map<TrialId, TrialRecord> byId;
  for (const auto& t : store.trials()) byId[t.id] = t;
  int pruned = 0;
  int promoted = 0;
  for (const auto& [id, t] : byId) {
    pruned += t.status == TrialStatus::Pruned ? 1 : 0;
    if (!t.resumeFrom) continue;
    ++promoted;
    EXPECT_EQ(byId.at(*t.resumeFrom).status, TrialStatus::Complete)
        << "trial " << id << " was promoted from a trial that did not complete its rung";
  }
  EXPECT_GT(pruned, 0) << "the pruner stopped some trial (else the test shows nothing)";
  EXPECT_GT(promoted, 0);
}

TEST_F(StudyTest, ExportWritesEveryTrialAndEpochAsJson) {
  ASSERT_EQ(run(kGrid).code, kExitOk);
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(runExport({dir_ / "study.db", {}}, "json", dir_ / "trials.json", out, err), kExitOk)
      << err.str();
  std::ifstream in(dir_ / "trials.json");
  const auto exported = nlohmann::json::parse(in);
  ASSERT_EQ(exported["trials"].size(), 8U);
  EXPECT_EQ(exported["trials"][0]["epochs"].size(), 6U);
  EXPECT_TRUE(exported["trials"][0]["at_best_epoch"].contains("test_accuracy"));
  EXPECT_EQ(runExport({dir_ / "study.db", {}}, "xml", dir_ / "t.xml", out, err), kExitBadInput);
  EXPECT_THAT(err.str(), HasSubstr("unknown export format 'xml': choose csv, json, html or png"));
}

std::string readWhole(const std::filesystem::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The report a run leaves beside results.csv: the best named, every trial with its value and
// learning curves in the data the page draws from, the study's texts escaped.
TEST_F(StudyTest, RunWritesAnHtmlReportWithEveryTrialAndItsCurves) {
  std::string yaml = kGrid;
  yaml.replace(yaml.find("name: toy-grid"), 14, "name: \"toy <b>&grid\"");
  ASSERT_EQ(run(yaml).code, kExitOk);
  ASSERT_TRUE(std::filesystem::exists(dir_ / "out" / "report.html"));
  const std::string html = readWhole(dir_ / "out" / "report.html");

  StudyStore store(dir_ / "study.db");
  const auto trials = store.trials();
  const auto best =
      *std::min_element(trials.begin(), trials.end(),
                        [](const auto& a, const auto& b) { return *a.value < *b.value; });
  EXPECT_THAT(html, HasSubstr("<h1>Study toy &lt;b&gt;&amp;grid</h1>"));
  EXPECT_EQ(html.find("<b>&grid"), std::string::npos) << "the name is escaped";
  EXPECT_THAT(html, HasSubstr("Best: <b>trial " + std::to_string(best.id) + "</b>"));
  // Every trial with its value, rank order and its loss and val_loss per epoch, for the page's
  // table, history and curves.
  const nlohmann::json data = test::reportDataOf(html);
  ASSERT_EQ(data.at("trials").size(), 8U);
  for (const auto& shown : data.at("trials")) {
    const auto t = std::find_if(trials.begin(), trials.end(),
                                [&](const auto& r) { return r.id == shown.at("id"); });
    ASSERT_NE(t, trials.end());
    EXPECT_NEAR(shown.at("value").get<double>(), *t->value, 1e-5 * std::abs(*t->value));
    const auto epochs = store.epochs(t->id, t->backend);
    ASSERT_EQ(shown.at("curves").at("epoch").size(), epochs.size());
    EXPECT_NEAR(shown.at("curves").at("values").at("val_loss").back().get<double>(),
                epochs.back().values.at("val_loss"),
                1e-5 * std::abs(epochs.back().values.at("val_loss")));
    EXPECT_EQ(shown.at("curves").at("values").at("loss").size(), epochs.size());
  }
  EXPECT_EQ(data.at("study"), "toy <b>&grid");

  // The same report from the store, on demand.
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(runExport({dir_ / "study.db", {}}, "html", dir_ / "again.html", out, err), kExitOk)
      << err.str();
  EXPECT_EQ(readWhole(dir_ / "again.html"), html);
}

// SIGKILL at random moments, then run again, until the study is done: it must equal an
// uninterrupted run, with every finished trial kept and none run twice.
TEST_F(StudyTest, StudyKilledAtRandomMomentsEqualsAnUninterruptedOne) {
  std::string slower = kGrid;
  slower.replace(slower.find("epochs: 6"), 9, "epochs: 400");
  slower.replace(slower.find("[16, 32]"), 8, "[4, 8]");
  // A progress checkpoint every 5 ms: killed trials resume from their last one.
  slower.replace(slower.find("execution: {"), 12, "execution: {checkpoint_every: 0.005, ");
  const auto exp = write("exp.yaml", slower);
  const int wholeStatus = runInChild(exp, "whole.db");
  ASSERT_TRUE(WIFEXITED(wholeStatus) && WEXITSTATUS(wholeStatus) == 0) << wholeStatus;

  Rng rng(11);
  int killed = 0;
  int runs = 0;
  // Each run is killed at a random moment of its training: once it has stored a random number of
  // epochs of its own, 1 to 2% of the study's (the kill lands a few epochs later).
  // Counting stored epochs, not seconds, keeps the kills inside training however busy the
  // machine is and however fast trials train.
  const double totalEpochs = storedEpochs(dir_ / "whole.db");
  for (int i = 0; i < 20; ++i) {
    const double before = storedEpochs(dir_ / "killed.db");
    const pid_t pid = startChild(exp, "killed.db");
    // Its store exists once it says so ("Store:" in its log).
    EXPECT_TRUE(waitForStoreLine("killed.db", ++runs, pid)) << "a run ended before its store";
    const double epochs = 1 + std::floor(rng.uniformDouble() * 0.02 * totalEpochs);
    const bool trained = waitForStoredEpochs(dir_ / "killed.db", before + epochs, pid);
    kill(pid, SIGKILL);
    const int status = waitFor(pid);
    killed += trained && WIFSIGNALED(status) ? 1 : 0;
  }
  const int last = runInChild(exp, "killed.db");
  ASSERT_TRUE(WIFEXITED(last) && WEXITSTATUS(last) == 0) << "status " << last;
  EXPECT_GE(killed, 15) << "most runs must have been killed before they finished";
  EXPECT_EQ(studyContents(dir_ / "killed.db"), studyContents(dir_ / "whole.db"));
  StudyStore store(dir_ / "killed.db");
  EXPECT_EQ(store.integrityCheck(), "ok");

  // No trial completed twice over all the runs, and killed trials went on from checkpoints.
  std::ifstream log(dir_ / "killed.db.log");
  std::map<std::string, int> completions;
  int fromCheckpoints = 0;
  std::string line;
  while (std::getline(log, line)) {
    const auto trial = line.find("] trial ");
    const auto complete = line.find(" complete ");
    if (trial != std::string::npos && complete != std::string::npos)
      ++completions[line.substr(trial + 8, complete - trial - 8)];
    const auto resumed = line.find(" to run again (");
    if (resumed != std::string::npos) fromCheckpoints += std::stoi(line.substr(resumed + 15));
  }
  for (const auto& [trial, count] : completions) EXPECT_EQ(count, 1) << "trial " << trial;
  // Most kills landed while trials trained: the next run found their progress checkpoints.
  EXPECT_GE(fromCheckpoints, 10);
}

// SIGTERM stops cleanly: exit 130, running trials marked interrupted, and a rerun finishes
// the study with the same results as an uninterrupted run.
extern "C" void ignoreSignal(int /*signal*/) {}

TEST_F(StudyTest, SigtermStopsCleanlyAndTheStudyResumes) {
  // Should the study end before the signal, the signal must not end the test program.
  const auto previous = std::signal(SIGTERM, ignoreSignal);
  const pid_t self = getpid();
  const auto db = dir_ / "stopped.db";
  std::thread terminator([self, db] {
    // Once the study trains (it has stored an epoch: the start-up measurement of backend auto
    // is over), let it train a little, then stop it.
    auto trains = [&db] {
      try {
        return storedEpochs(db) >= 1;
      } catch (const Error&) {
        return false;  // the store is being created
      }
    };
    // Stopped at once: on a loaded machine a further wait may outlast the study.
    while (!trains()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    kill(self, SIGTERM);
  });
  std::string slower = kGrid;
  slower.replace(slower.find("epochs: 6"), 9, "epochs: 1000");
  const Outcome stopped = run(slower, {"execution.storage=stopped.db"});
  terminator.join();
  ASSERT_EQ(stopped.code, kExitInterrupted) << stopped.out << stopped.err;
  EXPECT_THAT(stopped.out, HasSubstr("run the same command again to resume"));
  ASSERT_EQ(run(slower, {"execution.storage=stopped.db"}).code, kExitOk);
  ASSERT_EQ(run(slower, {"execution.storage=whole.db"}).code, kExitOk);
  EXPECT_EQ(studyContents(dir_ / "stopped.db"), studyContents(dir_ / "whole.db"));
  std::signal(SIGTERM, previous);
}

TEST_F(StudyTest, FullDiskIsAClearErrorAndTheStudyResumesWhenThereIsSpace) {
  std::string everyEpoch = kGrid;
  everyEpoch.replace(everyEpoch.find("execution: {"), 12, "execution: {checkpoint_every: 0.005, ");
  const auto exp = write("exp.yaml", everyEpoch);
  const int whole = runInChild(exp, "whole.db");
  ASSERT_TRUE(WIFEXITED(whole) && WEXITSTATUS(whole) == kExitOk);

  // 220 KiB: the database's write-ahead log outgrows it a few trials into the study (a burst
  // of trials is one commit: the log grows by less than a commit per trial).
  const int full = runInChild(exp, "full.db", 220 * 1024);
  ASSERT_TRUE(WIFEXITED(full));
  EXPECT_EQ(WEXITSTATUS(full), kExitOutput);
  const std::string text = readWhole(dir_ / "full.db.log");
  EXPECT_THAT(text, HasSubstr("full.db: cannot write ("));
  EXPECT_THAT(text, HasSubstr("everything stored before is intact: free space and run the same "
                              "command again to resume"));
  {
    StudyStore store(dir_ / "full.db");
    EXPECT_EQ(store.integrityCheck(), "ok");
    EXPECT_FALSE(store.trials().empty()) << "the first trials were stored before the disk filled";
  }
  const int resumed = runInChild(exp, "full.db");
  ASSERT_TRUE(WIFEXITED(resumed) && WEXITSTATUS(resumed) == kExitOk);
  EXPECT_EQ(studyContents(dir_ / "full.db"), studyContents(dir_ / "whole.db"));
}

}  // namespace
}  // namespace tunelab
