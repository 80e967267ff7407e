// Tuning any program: `objective.command` runs a program per trial with the trial's values in
// its arguments and reads the metric from its last JSON line; a program that hangs, crashes,
// fails or prints no metric fails its trial with a reason, and the study goes on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "experiments/cli/BestCommand.h"
#include "experiments/cli/CompareCommand.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/cli/ExportCommand.h"
#include "experiments/cli/StatusCommand.h"
#include "experiments/objective/ChildProcess.h"
#include "experiments/store/StudyStore.h"
#include "tests/support/StudyFixture.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

// A study over x in {1, 2, 3, 4}; the program is a shell script the test writes ($1 = x).
std::string commandStudy(const std::string& extraObjective = "") {
  return R"(name: command-study
objective:
  command: [sh, program.sh, $x, "--seed=${seed}"]
)" + extraObjective +
         R"(search:
  strategy: grid
  metric: loss
  parameters:
    x: {values: [1, 2, 3, 4]}
execution: {seed: 3, storage: study.db}
)";
}

class CommandObjectiveTest : public test::StudyFixture {
 protected:
  std::vector<TrialRecord> trials() {
    StudyStore store(dir_ / "study.db");
    EXPECT_EQ(store.integrityCheck(), "ok");
    return store.trials();
  }
};

TEST_F(CommandObjectiveTest, TrialValueIsTheLastJsonLineAndEveryJsonLineIsAnEpoch) {
  // The best line is the first; the value must still be the last line's.
  write("program.sh", R"(echo "starting with $1 $2"
echo "{\"loss\": 0.5, \"step\": 1}"
echo '{"not the metric": 1}'
echo "{\"loss\": $1, \"step\": 2}"
)");
  const test::Outcome o = run(commandStudy());
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  EXPECT_THAT(o.out, HasSubstr("Trials: 4 complete"));
  StudyStore store(dir_ / "study.db");
  for (const auto& t : store.trials()) {
    ASSERT_TRUE(t.value.has_value());
    EXPECT_DOUBLE_EQ(*t.value, t.params.at("x").get<double>());
    EXPECT_EQ(t.epochs, 2);
    EXPECT_EQ(store.epochs(t.id, t.backend).size(), 2U);
    EXPECT_GT(t.peakMemoryKiB, 0);
    EXPECT_EQ(t.backend, "command");
  }
  EXPECT_THAT(o.out, HasSubstr("  trial  loss        epochs  parameters\n  0      1 "));

  // Read back from the store alone, the study still knows its trials ran as commands.
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(runBest({dir_ / "study.db", {}}, 1, out, err), kExitOk) << err.str();
  EXPECT_THAT(out.str(), HasSubstr("  0      1 "));
  ASSERT_EQ(runExport({dir_ / "study.db", {}}, "html", dir_ / "report.html", out, err), kExitOk);
  std::ifstream report(dir_ / "report.html");
  const std::string html((std::istreambuf_iterator<char>(report)),
                         std::istreambuf_iterator<char>());
  EXPECT_THAT(html, HasSubstr("Best: <b>trial 0</b>, loss = <b>1</b>"));
}

// epoch_time of a program is the time between its epoch lines (it was 0 for every trial).
TEST_F(CommandObjectiveTest, EpochTimeObjectiveIsTheTimeBetweenTheProgramsEpochLines) {
  write("program.sh", R"(echo "{\"loss\": $1}"
sleep 0.2
echo "{\"loss\": $1}"
)");
  std::string yaml = commandStudy();
  yaml.replace(yaml.find("strategy: grid\n  metric: loss"),
               std::string("strategy: grid\n  metric: loss").size(),
               "strategy: grid\n  metric: [loss, epoch_time]");
  const test::Outcome o = run(yaml);
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  for (const auto& t : trials()) {
    ASSERT_EQ(t.objectives.size(), 2U);
    EXPECT_GT(t.objectives[1], 0.05) << "trial " << t.id;  // the median of ~0 and ~0.2 s
  }
}

TEST_F(CommandObjectiveTest, ProgramThatHangsIsKilledAtTheTimeLimitAndTheOthersComplete) {
  write("program.sh", R"(if [ "$1" = 2 ]; then sleep 60 & sleep 60; fi
echo "{\"loss\": $1}"
)");
  const auto start = Clock::now();
  const test::Outcome o = run(commandStudy("  timeout: 0.5s\n"));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_LT(seconds, 10.0);  // the hanging program and its child were killed, not waited for
  EXPECT_THAT(o.out, HasSubstr("Trials: 3 complete 1 failed"));
  const auto all = trials();
  ASSERT_EQ(all.size(), 4U);
  for (const auto& t : all) {
    if (t.params.at("x") == 2) {
      EXPECT_EQ(t.status, TrialStatus::Failed);
      EXPECT_THAT(t.error, HasSubstr("ran past objective.timeout (0.5 s) and was killed"));
    } else {
      EXPECT_EQ(t.status, TrialStatus::Complete);
    }
  }
}

TEST_F(CommandObjectiveTest, CrashAndNonZeroExitFailTheTrialWithTheEndOfStderr) {
  write("program.sh", R"(if [ "$1" = 1 ]; then kill -SEGV $$; fi
if [ "$1" = 2 ]; then for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "line $i" >&2; done; exit 3; fi
echo "{\"loss\": $1}"
)");
  const test::Outcome o = run(commandStudy());
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto all = trials();
  ASSERT_EQ(all.size(), 4U);
  for (const auto& t : all) {
    if (t.params.at("x") == 1) {
      EXPECT_EQ(t.status, TrialStatus::Failed);
      EXPECT_THAT(t.error, HasSubstr("'sh' killed by signal 11 (Segmentation fault)"));
    } else if (t.params.at("x") == 2) {
      EXPECT_EQ(t.status, TrialStatus::Failed);
      EXPECT_THAT(t.error, HasSubstr("'sh' exited with status 3; the end of its stderr:\n"
                                     "line 3\nline 4"));
      EXPECT_THAT(t.error, ::testing::EndsWith("line 12"));
      EXPECT_THAT(t.error, ::testing::Not(HasSubstr("line 2\n")));
    } else {
      EXPECT_EQ(t.status, TrialStatus::Complete);
    }
  }
}

TEST_F(CommandObjectiveTest, ProgramThatPrintsNoMetricOrNanFailsItsTrialSayingWhy) {
  write("program.sh", R"(if [ "$1" = 1 ]; then echo "just text"; exit 0; fi
if [ "$1" = 2 ]; then echo '{"accuracy": 0.9, "epoch": 3}'; exit 0; fi
if [ "$1" = 3 ]; then echo '{"loss": NaN}'; exit 0; fi
echo "{\"loss\": $1}"
)");
  const test::Outcome o = run(commandStudy());
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto all = trials();
  ASSERT_EQ(all.size(), 4U);
  for (const auto& t : all) {
    if (t.params.at("x") == 1) {
      EXPECT_EQ(t.status, TrialStatus::Failed);
      EXPECT_THAT(t.error, HasSubstr("printed no JSON line on stdout; its last line must be a "
                                     "JSON object holding the metric, such as {\"loss\": 0.25}"));
    } else if (t.params.at("x") == 2) {
      EXPECT_EQ(t.status, TrialStatus::Failed);
      EXPECT_THAT(t.error, HasSubstr("the last JSON line of 'sh' ({\"accuracy\": 0.9, \"epoch\": "
                                     "3}) has no 'loss' (search.metric); it has accuracy, epoch"));
    } else if (t.params.at("x") == 3) {
      EXPECT_EQ(t.status, TrialStatus::Failed);
      EXPECT_EQ(t.error, "'sh' reported a non-finite loss (nan)");
    } else {
      EXPECT_EQ(t.status, TrialStatus::Complete);
    }
  }
}

TEST_F(CommandObjectiveTest, MissingProgramFailsEachTrialNamingIt) {
  const test::Outcome o = run(R"(objective: {command: [no-such-program-tunelab, $x]}
search: {strategy: grid, metric: loss, parameters: {x: {values: [1, 2]}}}
execution: {storage: study.db}
)");
  // No trial completed: a script must not read this as success.
  ASSERT_EQ(o.code, kExitNoCompleteTrial) << o.err;
  EXPECT_THAT(o.err, HasSubstr("error: no trial completed (2 failed); their errors:\n  2 x cannot "
                               "run 'no-such-program-tunelab': No such file or directory\n"));
  const auto all = trials();
  ASSERT_EQ(all.size(), 2U);
  for (const auto& t : all) {
    EXPECT_EQ(t.status, TrialStatus::Failed);
    EXPECT_EQ(t.error, "cannot run 'no-such-program-tunelab': No such file or directory");
  }
}

TEST_F(CommandObjectiveTest, UnknownReferenceAndUnusedParameterAreLocatedErrors) {
  test::Outcome o = run(R"(objective:
  command: [sh, program.sh, "--rate=$rtae"]
search: {strategy: grid, metric: loss, parameters: {rate: {values: [1, 2]}}}
)");
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, HasSubstr("exp.yaml:2:"));
  EXPECT_THAT(o.err, HasSubstr("objective.command[2]: refers to $rtae, which search.parameters "
                               "does not define (did you mean $rate?)"));

  o = run(R"(objective:
  command: [sh, program.sh, $rate]
search: {strategy: grid, metric: loss, parameters: {rate: {values: [1]}, depth: {values: [2]}}}
)");
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, HasSubstr("search.parameters.depth: $depth is defined but objective.command "
                               "never uses it"));

  o = run(R"(objective: {command: [sh, program.sh, $x], timeout: soon}
search: {strategy: grid, metric: loss, parameters: {x: {values: [1]}}}
)");
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, HasSubstr("objective.timeout: expected a duration such as 90, \"30s\""));

  o = run(R"(objective: {command: [sh, program.sh, $x]}
model: {layers: []}
search: {strategy: grid, metric: loss, parameters: {x: {values: [1]}}}
)");
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, HasSubstr("model: an experiment with an objective command has no model"));
}

// What program.sh below recorded for trial `id`: its arguments, then three variables of its
// environment, one per line.
std::vector<std::string> recorded(const std::filesystem::path& dir, TrialId id) {
  std::ifstream in(dir / ("trial-" + std::to_string(id) + ".txt"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

constexpr const char* kRecordingProgram = R"(out="trial-$TUNELAB_TRIAL_ID.txt"
for a in "$@"; do echo "$a"; done > "$out"
echo "TUNELAB_TRIAL_ID=$TUNELAB_TRIAL_ID" >> "$out"
echo "TUNELAB_SEED=$TUNELAB_SEED" >> "$out"
echo "OMP_NUM_THREADS=$OMP_NUM_THREADS" >> "$out"
echo '{"loss": 1}'
)";

TEST_F(CommandObjectiveTest, ArgumentsTakeTheTrialsValuesAndTheEnvironmentNamesTheTrial) {
  write("program.sh", kRecordingProgram);
  const test::Outcome o = run(R"(objective:
  command: [sh, program.sh, $x, "--x=${x}mm", "${x}$x", "$$x", $words, "--trial=$trial_id",
            "--seed=${seed}", "--threads=$threads"]
search:
  strategy: grid
  metric: loss
  parameters:
    x: {values: [3, 0.5]}
    words: {values: ["two words; no shell"]}
execution: {seed: 5, storage: study.db, threads_per_trial: 2, parallel_trials: 1}
)");
  ASSERT_EQ(o.code, kExitOk) << o.err;
  std::smatch threads;
  ASSERT_TRUE(std::regex_search(o.out, threads, std::regex(R"(x (\d+) threads)"))) << o.out;
  const auto all = trials();
  ASSERT_EQ(all.size(), 2U);
  for (const auto& t : all) {
    const std::string x = t.params.at("x").dump();
    const std::string id = std::to_string(t.id);
    const std::string seed = std::to_string(t.seed);
    const std::string threadCount = threads[1].str();
    const std::vector<std::string> expected{x,                           // $x
                                            "--x=" + x + "mm",           // ${x} inside a word
                                            x + x,                       // ${x}$x
                                            "$x",                        // $$ is a $
                                            "two words; no shell",       // one argument, as it is
                                            "--trial=" + id,             // $trial_id
                                            "--seed=" + seed,            // ${seed}
                                            "--threads=" + threadCount,  // $threads
                                            "TUNELAB_TRIAL_ID=" + id,    // the environment
                                            "TUNELAB_SEED=" + seed,
                                            "OMP_NUM_THREADS=" + threadCount};
    EXPECT_EQ(recorded(dir_, t.id), expected) << "trial " << t.id;
  }
}

// Hyperband gives each trial an epoch budget, and the program gets it as $budget.
TEST_F(CommandObjectiveTest, BudgetIsTheEpochBudgetHyperbandGaveTheTrial) {
  write("program.sh", kRecordingProgram);
  const test::Outcome o = run(R"(objective: {command: [sh, program.sh, $x, $budget]}
search:
  strategy: hyperband
  hyperband: {min_epochs: 1, eta: 3, max_epochs: 9}
  metric: loss
  parameters:
    x: {values: [1, 2, 3, 4, 5, 6, 7, 8, 9]}
execution: {seed: 5, storage: study.db, parallel_trials: 1}
)");
  ASSERT_EQ(o.code, kExitOk) << o.err;
  std::set<int> budgets;
  const auto all = trials();
  ASSERT_GT(all.size(), 9U) << "some configurations were promoted";
  for (const auto& t : all) {
    const auto lines = recorded(dir_, t.id);
    ASSERT_GE(lines.size(), 2U) << "trial " << t.id;
    EXPECT_EQ(lines[0], t.params.at("x").dump());
    EXPECT_EQ(lines[1], std::to_string(t.budget)) << "trial " << t.id;
    budgets.insert(t.budget);
  }
  EXPECT_EQ(budgets, (std::set<int>{1, 3, 9}));
}

TEST_F(CommandObjectiveTest, ALastJsonLineThatCannotBeReadFailsItsTrialNamingWhatIsWrong) {
  write("program.sh", R"(echo '{"loss": 0.5}'
if [ "$1" = 1 ]; then echo '{"loss": 1e999}'; fi
if [ "$1" = 2 ]; then echo '{"loss": "0.25"}'; fi
if [ "$1" = 3 ]; then printf '{"loss": 0.5, "tag": "\377"}\n'; fi
if [ "$1" = 4 ]; then head -c 2000000 /dev/zero | tr '\0' ' ' | sed 's/^/{"loss": 1,/'; echo; fi
)");
  const test::Outcome o = run(commandStudy());
  ASSERT_EQ(o.code, kExitNoCompleteTrial) << o.err << o.out;
  std::map<int, std::string> errors;
  for (const auto& t : trials()) {
    EXPECT_EQ(t.status, TrialStatus::Failed);
    errors[t.params.at("x").get<int>()] = t.error;
  }
  EXPECT_THAT(errors[1], HasSubstr("the last JSON line of 'sh' ({\"loss\": 1e999}): the number "
                                   "'1e999' is out of range"));
  EXPECT_THAT(errors[1], Not(HasSubstr("no JSON line")));
  EXPECT_THAT(errors[2], HasSubstr("has 'loss' as the string \"0.25\", not a number"));
  EXPECT_THAT(errors[3], HasSubstr("UTF-8"));
  EXPECT_THAT(errors[3], HasSubstr("\\xff"));
  EXPECT_THAT(errors[4], HasSubstr("a line longer than 1 MiB"));
  EXPECT_LT(errors[4].size(), 1000U);
}

TEST_F(CommandObjectiveTest, JsonThatIsNoObjectIsNamedWhenNoObjectLineCame) {
  write("program.sh", R"(echo "$1"
)");
  const test::Outcome o = run(commandStudy());
  for (const auto& t : trials()) {
    EXPECT_THAT(t.error, HasSubstr("printed no JSON line on stdout"));
    EXPECT_THAT(t.error,
                HasSubstr("(it printed " + t.params.at("x").dump() + ", JSON but not an object)"));
  }
}

// The pids a program's descendants wrote to `*.pid` files in `dir`, each still alive or not.
std::map<std::string, bool> descendantsAlive(const std::filesystem::path& dir) {
  std::map<std::string, bool> alive;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".pid") continue;
    std::ifstream in(entry.path());
    pid_t pid = 0;
    in >> pid;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    const bool running =
        pid > 0 && close != std::string::npos && text.size() > close + 2 && text[close + 2] != 'Z';
    alive[entry.path().filename().string()] = running;
    if (running) ::kill(pid, SIGKILL);  // not left behind by a failing test
  }
  return alive;
}

TEST_F(CommandObjectiveTest, GrandchildrenThatLeaveTheSessionEndWithTheirTrial) {
  // One grandchild calls setsid() and stays its parent's child; one is orphaned at once (its
  // parent, a subshell, exits), also in a session of its own; one stays in the session.
  write("program.sh", R"(setsid sh -c 'echo $$ > setsid-$0.pid; exec sleep 300' "$1" &
(setsid sh -c 'echo $$ > orphan-$0.pid; exec sleep 300' "$1" &)
sh -c 'echo $$ > plain-$0.pid; exec sleep 300' "$1" &
while [ ! -s setsid-$1.pid ] || [ ! -s orphan-$1.pid ] || [ ! -s plain-$1.pid ]; do sleep 0.05; done
echo "{\"loss\": $1}"
)");
  const auto start = Clock::now();
  const test::Outcome o = run(commandStudy());
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 60.0);
  const auto alive = descendantsAlive(dir_);
  EXPECT_EQ(alive.size(), 12U);
  for (const auto& [file, running] : alive) EXPECT_FALSE(running) << file << " survived its trial";
}

TEST_F(CommandObjectiveTest, ATrialOverItsMemoryLimitFailsSayingSo) {
  write("program.sh", R"(if [ "$1" = 1 ]; then
  /usr/bin/python3 -c 'x = bytearray(512 * 1024 * 1024); print("{\"loss\": 1}")'
else
  /usr/bin/python3 -c 'import sys; x = bytearray(8 << 20); print("{\"loss\": " + sys.argv[1] + "}")' "$1"
fi
)");
  const test::Outcome o = run(commandStudy("  memory_limit: 128MiB\n"));
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  for (const auto& t : trials()) {
    if (t.params.at("x") == 1) {
      EXPECT_EQ(t.status, TrialStatus::Failed);
      EXPECT_THAT(t.error, HasSubstr("'sh' ran out of memory under objective.memory_limit "
                                     "(128 MiB) and exited with status 1"));
      EXPECT_THAT(t.error, HasSubstr("MemoryError"));
    } else {
      EXPECT_EQ(t.status, TrialStatus::Complete) << t.error;
    }
  }
}

TEST_F(CommandObjectiveTest, MemoryLimitMustBeASize) {
  for (const auto& [limit, message] : std::vector<std::pair<std::string, std::string>>{
           {"lots",
            "objective.memory_limit: expected a size such as \"2GiB\" or \"512MiB\", got "
            "\"lots\""},
           {"2 GB", ""},
           {"1MiB", "objective.memory_limit: must be between 16MiB and 1EiB, got \"1MiB\""},
           {"2GIB", "expected a size such as"}}) {
    write("program.sh", "echo '{\"loss\": 1}'\n");
    const test::Outcome o = run(commandStudy("  memory_limit: " + limit + "\n"));
    if (message.empty()) {
      EXPECT_EQ(o.code, kExitOk) << limit << ": " << o.err;
    } else {
      EXPECT_EQ(o.code, kExitBadInput) << limit;
      EXPECT_THAT(o.err, HasSubstr(message)) << limit;
      EXPECT_THAT(o.err, HasSubstr("exp.yaml:4:")) << limit;
    }
  }
}

TEST(ChildProcess, AStderrTailShowsWhatATerminalShowsEachLineBounded) {
  ChildCommand command;
  command.argv = {"sh", "-c",
                  "printf 'progress 10%%\\rprogress 100%%\\n' >&2; "
                  "head -c 5000 /dev/zero | tr '\\0' x >&2; echo >&2; exit 1"};
  const ChildExit exit = runChild(command, [](std::string_view) { return true; }, {});
  EXPECT_THAT(exit.stderrTail, HasSubstr("progress 100%\n"));
  EXPECT_THAT(exit.stderrTail, Not(HasSubstr("progress 10%\r")));
  EXPECT_THAT(exit.stderrTail, HasSubstr(std::string(300, 'x') + "..."));
  EXPECT_LT(exit.stderrTail.size(), 400U);
}

TEST(ChildProcess, AStoppedProgramsDetachedGrandchildIsKilledToo) {
  const auto dir = test::scratchDir("child-process-detached");
  ChildCommand command;
  command.argv = {"sh", "-c",
                  "cd " + dir.string() +
                      " && setsid sh -c 'echo $$ > detached.pid; exec sleep 300' & sleep 300"};
  const auto start = Clock::now();
  const ChildExit exit = runChild(
      command, [](std::string_view) { return true; },
      [&] { return Clock::now() - start > std::chrono::milliseconds(500); });
  EXPECT_TRUE(exit.stopped);
  const auto alive = descendantsAlive(dir);
  ASSERT_EQ(alive.size(), 1U);
  EXPECT_FALSE(alive.begin()->second);
}

TEST(ChildProcess, CancelKillsTheProgramAndItsChildrenPromptly) {
  ChildCommand command;
  command.argv = {"sh", "-c", "sleep 60 & sleep 60"};
  const auto start = Clock::now();
  const ChildExit exit = runChild(
      command, [](std::string_view) { return true; },
      [&] { return Clock::now() - start > std::chrono::milliseconds(200); });
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_TRUE(exit.stopped);
  EXPECT_EQ(exit.signal, SIGTERM);
  EXPECT_LT(seconds, 5.0);
}

TEST(ChildProcess, LinesArriveAsTheyAreWrittenAndStopEndsTheProgram) {
  ChildCommand command;
  command.argv = {"sh", "-c", "echo one; echo two; sleep 60; echo three"};
  std::vector<std::string> lines;
  const ChildExit exit = runChild(command,
                                  [&](std::string_view line) {
                                    lines.emplace_back(line);
                                    return lines.size() < 2;
                                  },
                                  {});
  EXPECT_TRUE(exit.stopped);
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two"}));
}

}  // namespace
}  // namespace tunelab
