// Studies of several objectives as a user meets them: `tunelab best`, results.csv and
// report.html show the Pareto front, one and two parallel trials and a killed then resumed
// study give the same trials, and a file that asks for what cannot work is refused at its place.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "core/Error.h"
#include "experiments/store/Sqlite.h"
#include "experiments/store/StudyStore.h"
#include "search/Pareto.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

// A toy binary problem (label = x0 + x1 > 1): validation loss against the model's size.
constexpr const char* kStudy = R"(name: pareto
data: {source: toy.csv, target: label, split: {test: 0.2, validation: 0.25}}
model:
  layers:
    - repeat: $layers
      layers:
        - {type: dense, units: $units, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
  metrics: [accuracy]
train: {optimizer: {type: adam, learning_rate: $lr}, batch_size: 32, epochs: 6}
search:
  strategy: nsga2
  max_trials: 16
  nsga2: {population_size: 4}
  metric: [val_loss, {name: params, direction: minimize}]
  parameters:
    layers: {min: 1, max: 3}
    units: {min: 1, max: 32, distribution: int_log_uniform}
    lr: {min: 1.0e-3, max: 1.0e-1, distribution: log_uniform}
execution: {seed: 7, storage: study.db, output: out, parallel_trials: 1, backend: reference}
)";

class MultiObjectiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = test::scratchDir(std::string("multi-objective-") + info->name());
    test::writeSeparableCsv(dir_ / "toy.csv", 400);
  }

  test::ProcessResult run(const std::string& yaml, const std::vector<std::string>& sets = {}) {
    std::ofstream(dir_ / "exp.yaml") << yaml;
    std::vector<std::string> arguments{"run", "exp.yaml", "--data-dir", dir_.string()};
    for (const auto& set : sets) arguments.insert(arguments.end(), {"--set", set});
    return test::runTunelab(arguments, dir_);
  }

  // Every trial's parameters and objective values, to the last bit: what two runs must share.
  [[nodiscard]] std::string trials(const std::string& db) const {
    std::ostringstream s;
    s.precision(17);
    for (const auto& t : StudyStore(dir_ / db).trials()) {
      s << t.id << " " << trialStatusName(t.status) << " " << t.params.dump();
      for (double v : t.objectives) s << " " << v;
      s << "\n";
    }
    return s.str();
  }

  std::filesystem::path dir_;
};

std::vector<std::string> fields(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string field; in >> field;) out.push_back(field);
  return out;
}

// The trial ids of the rows `tunelab best` prints under its "Pareto front" line.
std::set<std::string> printedFront(const std::string& output) {
  std::istringstream in(output);
  std::set<std::string> ids;
  bool inFront = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("Pareto front")) {
      inFront = true;
      std::getline(in, line);  // the header
      continue;
    }
    if (inFront && !fields(line).empty()) ids.insert(fields(line).front());
  }
  return ids;
}

// A front worked out by hand, with a maximised first objective, a tie and a dominated point:
// f1 (maximize), f2 (minimize) = x0 (1, 1), x1 (3, 2), x2 (2, 3), x3 (3, 2), x4 (0, 0); trial 2
// is dominated by trials 1 and 3, which tie; the others are each best somewhere.
TEST_F(MultiObjectiveTest, BestPrintsTheFrontWorkedOutByHand) {
  std::ofstream(dir_ / "program.sh") << R"(case $1 in
  0) echo '{"f1": 1, "f2": 1}';; 1) echo '{"f1": 3, "f2": 2}';; 2) echo '{"f1": 2, "f2": 3}';;
  3) echo '{"f1": 3, "f2": 2}';; 4) echo '{"f1": 0, "f2": 0}';;
esac
)";
  const test::ProcessResult study = run(R"(name: by-hand
objective:
  command: [sh, program.sh, $x]
search:
  strategy: grid
  metric: [{name: f1, goal: maximize}, f2]
  parameters:
    x: {values: [0, 1, 2, 3, 4]}
execution: {seed: 1, storage: study.db, output: out}
)");
  ASSERT_EQ(study.code, 0) << study.err << study.out;
  const test::ProcessResult best = test::runTunelab({"best", "study.db"}, dir_);
  ASSERT_EQ(best.code, 0) << best.err;
  EXPECT_EQ(printedFront(best.out), (std::set<std::string>{"0", "1", "3", "4"})) << best.out;
  const auto rows = test::readCsvCells(dir_ / "out/results.csv");
  const auto pareto = static_cast<std::size_t>(std::find(rows[0].begin(), rows[0].end(), "pareto") -
                                               rows[0].begin());
  ASSERT_LT(pareto, rows[0].size());
  std::set<std::string> marked;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][pareto] == "true") marked.insert(rows[i][0]);
  }
  EXPECT_EQ(marked, (std::set<std::string>{"0", "1", "3", "4"}));
}

TEST_F(MultiObjectiveTest, BestResultsAndReportShowTheParetoFront) {
  const test::ProcessResult study = run(kStudy);
  ASSERT_EQ(study.code, 0) << study.err;
  EXPECT_THAT(study.out, HasSubstr("metrics val_loss (minimize), params (minimize)"));
  EXPECT_THAT(study.out,
              ::testing::ContainsRegex("trial 0 complete val_loss=[0-9.]+ params=[0-9]+ "));

  // results.csv: every complete trial's objectives, and which are on the front.
  const auto rows = test::readCsvCells(dir_ / "out/results.csv");
  ASSERT_EQ(rows.size(), 17U);
  const auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(rows[0].begin(), rows[0].end(), name) -
                                    rows[0].begin());
  };
  ObjectivePoints points;
  std::set<std::string> marked;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i][column("status")], "complete");
    points.push_back({std::stod(rows[i][column("objective_val_loss")]),
                      std::stod(rows[i][column("objective_params")])});
    if (rows[i][column("pareto")] == "true") marked.insert(rows[i][column("trial")]);
  }
  // The marked trials are exactly the non-dominated ones.
  const auto onFront = paretoMask(points);
  std::set<std::string> expected;
  for (std::size_t i = 0; i < onFront.size(); ++i) {
    if (onFront[i]) expected.insert(rows[i + 1][column("trial")]);
  }
  EXPECT_GE(expected.size(), 2U);
  EXPECT_EQ(marked, expected);

  const test::ProcessResult best = test::runTunelab({"best", "study.db"}, dir_);
  ASSERT_EQ(best.code, 0) << best.err;
  EXPECT_THAT(best.out, HasSubstr("val_loss    params"));
  EXPECT_EQ(printedFront(best.out), expected) << best.out;

  const test::ProcessResult exported =
      test::runTunelab({"export", "study.db", "--format", "json", "-o", "study.json"}, dir_);
  ASSERT_EQ(exported.code, 0) << exported.err;
  const auto json = nlohmann::json::parse(test::readText(dir_ / "study.json"));
  EXPECT_EQ(json.at("objectives")[1], (nlohmann::json{{"name", "params"}, {"goal", "minimize"}}));
  std::set<std::string> exportedFront;
  for (const auto& trial : json.at("trials")) {
    EXPECT_TRUE(trial.at("objectives").contains("params"));
    if (trial.at("pareto").get<bool>()) exportedFront.insert(trial.at("trial").dump());
  }
  EXPECT_EQ(exportedFront, expected);

  const std::string report = test::readText(dir_ / "out/report.html");
  EXPECT_THAT(report, HasSubstr("<h2>Pareto front of val_loss (minimize), params (minimize)</h2>"));
  std::size_t highlighted = 0;
  for (auto at = report.find("<circle class=\"front\""); at != std::string::npos;
       at = report.find("<circle class=\"front\"", at + 1)) {
    ++highlighted;
  }
  EXPECT_EQ(highlighted, expected.size());
}

TEST_F(MultiObjectiveTest, OneAndTwoParallelTrialsGiveTheSameStudy) {
  ASSERT_EQ(run(kStudy).code, 0);
  const test::ProcessResult two = run(
      kStudy, {"execution.parallel_trials=2", "execution.storage=two.db", "execution.output=two"});
  ASSERT_EQ(two.code, 0) << two.err;
  EXPECT_EQ(trials("two.db"), trials("study.db"));
}

// Complete trials a study holds (0 before its tables exist); the run may be writing it.
std::int64_t completeTrials(const std::filesystem::path& db) {
  if (!std::filesystem::exists(db)) return 0;
  try {
    SqliteDatabase connection(db);
    connection.execute("PRAGMA busy_timeout = 10000");
    auto count = connection.prepare("SELECT count(*) FROM trials WHERE status = 'complete'");
    return count.next() ? count.integer(0) : 0;
  } catch (const Error&) {
    return 0;  // the run has not created its tables yet
  }
}

TEST_F(MultiObjectiveTest, StudyKilledMidwayThenResumedEqualsAnUninterruptedOne) {
  std::string longer = kStudy;
  longer.replace(longer.find("epochs: 6"), 9, "epochs: 40");
  ASSERT_EQ(run(longer, {"execution.storage=whole.db"}).code, 0);

  std::ofstream(dir_ / "exp.yaml") << longer;
  test::TunelabProcess killed({"run", "exp.yaml", "--data-dir", dir_.string()}, dir_);
  // Killed once it has finished a generation and a half: the next resumes in generation 1.
  while (!killed.ended() && completeTrials(dir_ / "study.db") < 6) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(killed.pid(), SIGKILL);
  const test::ProcessResult stopped = killed.wait();
  if (stopped.code == 0) GTEST_SKIP() << "the study finished before it could be killed";
  EXPECT_LT(completeTrials(dir_ / "study.db"), 16);
  const test::ProcessResult resumed =
      test::runTunelab({"run", "exp.yaml", "--data-dir", dir_.string()}, dir_);
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_THAT(resumed.out, HasSubstr("Resuming"));
  EXPECT_EQ(trials("study.db"), trials("whole.db"));
}

TEST_F(MultiObjectiveTest, RaisedMaxTrialsGoesOnAsOneLongerStudy) {
  ASSERT_EQ(run(kStudy, {"search.max_trials=6"}).code, 0);
  ASSERT_EQ(run(kStudy).code, 0);
  ASSERT_EQ(run(kStudy, {"execution.storage=whole.db", "execution.output=whole"}).code, 0);
  EXPECT_EQ(trials("study.db"), trials("whole.db"));
}

// Grid search over two objectives, the first maximised: the front is listed best first (the
// highest val_accuracy), and epoch_time is each trial's median seconds per epoch.
TEST_F(MultiObjectiveTest, GridRanksAMaximisedObjectiveAndMeasuresEpochTime) {
  std::string grid = kStudy;
  const std::string strategy = "strategy: nsga2\n  max_trials: 16\n  nsga2: {population_size: 4}";
  grid.replace(grid.find(strategy), strategy.size(), "strategy: grid");
  const std::string objectives = "[val_loss, {name: params, direction: minimize}]";
  grid.replace(grid.find(objectives), objectives.size(), "[val_accuracy, epoch_time]");
  const std::string lr = "{min: 1.0e-3, max: 1.0e-1, distribution: log_uniform}";
  grid.replace(grid.find(lr), lr.size(), "{values: [0.01, 0.05]}");
  const test::ProcessResult study = run(grid, {"search.parameters.layers={values: [1, 2]}",
                                               "search.parameters.units={values: [2, 8]}"});
  ASSERT_EQ(study.code, 0) << study.err;
  EXPECT_THAT(study.out, HasSubstr("val_accuracy (maximize), epoch_time (minimize)"));
  const auto rows = test::readCsvCells(dir_ / "out/results.csv");
  ASSERT_EQ(rows.size(), 9U);
  const auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(rows[0].begin(), rows[0].end(), name) -
                                    rows[0].begin());
  };
  std::map<std::string, double> accuracy;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_GT(std::stod(rows[i][column("objective_epoch_time")]), 0.0);
    EXPECT_EQ(rows[i][column("objective_val_accuracy")], rows[i][column("value")]);
    accuracy[rows[i][column("trial")]] = std::stod(rows[i][column("value")]);
  }
  const test::ProcessResult best = test::runTunelab({"best", "study.db"}, dir_);
  std::istringstream lines(best.out.substr(best.out.find("parameters\n") + 11));
  std::vector<double> listed;
  for (std::string line; std::getline(lines, line);) listed.push_back(accuracy.at(fields(line)[0]));
  ASSERT_FALSE(listed.empty()) << best.out;
  EXPECT_TRUE(std::is_sorted(listed.rbegin(), listed.rend())) << best.out;
  double highest = 0;
  for (const auto& [trial, value] : accuracy) highest = std::max(highest, value);
  EXPECT_EQ(listed.front(), highest);
}

// A store written before studies of several objectives (no objective_values column) reads and
// resumes as before.
TEST_F(MultiObjectiveTest, StoreOfOneObjectiveFromBeforeStaysReadable) {
  std::string single = kStudy;
  const std::string objectives = "[val_loss, {name: params, direction: minimize}]";
  single.replace(single.find(objectives), objectives.size(), "val_loss");
  ASSERT_EQ(run(single, {"search.max_trials=4"}).code, 0);
  const test::ProcessResult before = test::runTunelab({"best", "study.db"}, dir_);
  {
    SqliteDatabase old(dir_ / "study.db");
    old.execute("ALTER TABLE trials DROP COLUMN objective_values");
  }
  const test::ProcessResult after = test::runTunelab({"best", "study.db"}, dir_);
  EXPECT_EQ(after.code, 0) << after.err;
  EXPECT_EQ(after.out, before.out);
  EXPECT_THAT(after.out, HasSubstr("Best trials by val_loss (minimize)"));
  const test::ProcessResult resumed = run(single, {"search.max_trials=6"});
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_EQ(StudyStore(dir_ / "study.db").trials().size(), 6U);
}

struct Mistake {
  std::string name;
  std::string from;  // replaced in kStudy
  std::string to;
  std::string place;  // file:line:col the error must name
  std::string message;
};

std::ostream& operator<<(std::ostream& os, const Mistake& m) { return os << m.name; }

class MultiObjectiveMistake : public MultiObjectiveTest,
                              public ::testing::WithParamInterface<Mistake> {};

TEST_P(MultiObjectiveMistake, IsRefusedBeforeTheFirstTrialAtItsPlace) {
  std::string yaml = kStudy;
  const Mistake& m = GetParam();
  ASSERT_NE(yaml.find(m.from), std::string::npos);
  yaml.replace(yaml.find(m.from), m.from.size(), m.to);
  const test::ProcessResult result = run(yaml);
  EXPECT_EQ(result.code, 2) << result.out << result.err;
  EXPECT_THAT(result.err, HasSubstr("exp.yaml:" + m.place));
  EXPECT_THAT(result.err, HasSubstr(m.message));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out/results.csv"));
}

INSTANTIATE_TEST_SUITE_P(
    Files, MultiObjectiveMistake,
    ::testing::Values(
        Mistake{"unknown_metric", "{name: params, direction: minimize}", "val_acuracy",
                "16:22: search.metric[1]",
                "'val_acuracy' is not recorded by a trial (did you "
                "mean 'val_accuracy'?)"},
        Mistake{"duplicate", "{name: params, direction: minimize}", "val_loss",
                "16:22: search.metric[1]", "'val_loss' is listed twice"},
        Mistake{"strategy_of_one_objective",
                "strategy: nsga2\n  max_trials: 16\n  nsga2: {population_size: 4}",
                "strategy: tpe\n  max_trials: 16", "13:3: search.strategy",
                "'tpe' searches one objective, and search.metric lists 2; strategies that search "
                "several: nsga2, random"},
        Mistake{"pruner", "  nsga2: {population_size: 4}",
                "  nsga2: {population_size: 4}\n  early_terminate: {type: median}",
                "16:3: search.early_terminate", "stopping trials early compares one metric"},
        Mistake{"derived_first", "[val_loss, {name: params, direction: minimize}]",
                "[params, val_loss]", "16:12: search.metric[0]",
                "the first metric picks each trial's epoch"},
        Mistake{"bad_direction", "direction: minimize", "direction: smaller",
                "16:37: search.metric[1].direction", "minimize, maximize"}),
    [](const auto& param) { return param.param.name; });

}  // namespace
}  // namespace tunelab
