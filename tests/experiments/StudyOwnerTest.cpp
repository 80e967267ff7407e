// A study is owned by one running `tunelab run` at a time: a second run is refused, naming the
// owner, before it changes anything; a run killed with SIGKILL leaves nothing to clean up (the
// next run takes over and resumes); `status` and the report tell a live run from an interrupted
// one and show the running trials' epochs so far.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "experiments/cli/ExitCode.h"
#include "tests/support/ReportPage.h"
#include "tests/support/StoredProgress.h"
#include "tests/support/StudyFixture.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Four grid points of 300 epochs each, one at a time: a run that lasts a few seconds.
constexpr const char* kStudy = R"(name: owned
data: {source: toy.csv, target: label, split: {test: 0.2, validation: 0.25}}
model:
  layers:
    - {type: dense, units: $units, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
  metrics: [accuracy]
train: {optimizer: {type: adam, learning_rate: 0.05}, batch_size: 32, epochs: 300}
search:
  strategy: grid
  parameters:
    units: {values: [2, 4, 8, 16]}
execution: {seed: 7, storage: study.db, output: out, parallel_trials: 1, checkpoint_every: 0}
)";

std::string hostName() {
  std::array<char, 256> name{};
  gethostname(name.data(), name.size() - 1);
  return name.data();
}

// The first number the first group of `pattern` matches in `text`, or -1.
int captured(const std::string& text, const std::string& pattern) {
  std::smatch match;
  if (!std::regex_search(text, match, std::regex(pattern))) return -1;
  return std::stoi(match[1].str());
}

class StudyOwnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = test::scratchDir(std::string("owner-") + info->name());
    test::writeSeparableCsv(dir_ / "toy.csv", 400);
    std::ofstream(dir_ / "exp.yaml") << kStudy;
  }

  [[nodiscard]] std::vector<std::string> runArguments(const std::string& storage,
                                                      const std::string& epochs = "300") const {
    return {"run",        "exp.yaml",
            "--data-dir", dir_.string(),
            "--set",      "execution.storage=" + storage,
            "--set",      "train.epochs=" + epochs};
  }

  [[nodiscard]] test::ProcessResult tunelab(const std::vector<std::string>& arguments) const {
    return test::runTunelab(arguments, dir_);
  }

  // The owner as the refusal and `status` name it.
  static std::string ownerText(pid_t pid) {
    return "pid " + std::to_string(pid) + " on host " + hostName() + ", started ";
  }

  std::filesystem::path dir_;
};

TEST_F(StudyOwnerTest, SecondRunIsRefusedNamingTheOwnerAndTheFirstRunIsUnaffected) {
  ASSERT_EQ(tunelab(runArguments("whole.db")).code, kExitOk);

  test::TunelabProcess first(runArguments("study.db"), dir_);
  ASSERT_TRUE(test::waitForStoredEpochs(dir_ / "study.db", 1, first)) << first.wait().err;
  const test::ProcessResult second = tunelab(runArguments("study.db"));
  EXPECT_EQ(second.code, kExitStudyBusy) << second.out << second.err;
  EXPECT_THAT(second.err,
              HasSubstr("study.db is in use by another tunelab run (" + ownerText(first.pid())));
  EXPECT_THAT(second.out, Not(HasSubstr("Resuming"))) << "refused before it resumed anything";
  // Starting over would delete the study: refused all the same.
  auto startOver = runArguments("study.db");
  startOver.emplace_back("--new-study");
  EXPECT_EQ(tunelab(startOver).code, kExitStudyBusy);

  const test::ProcessResult firstResult = first.wait();
  ASSERT_EQ(firstResult.code, kExitOk) << firstResult.err;
  EXPECT_THAT(firstResult.out, HasSubstr("Ran 4 trials"));
  EXPECT_EQ(test::studyContents(dir_ / "study.db"), test::studyContents(dir_ / "whole.db"));
}

TEST_F(StudyOwnerTest, RunKilledWithSigkillIsTakenOverAndTheStudyEqualsAnUninterruptedOne) {
  ASSERT_EQ(tunelab(runArguments("whole.db")).code, kExitOk);

  // Killed in its second trial: one trial finished, one half trained.
  test::TunelabProcess first(runArguments("study.db"), dir_);
  ASSERT_TRUE(test::waitForStoredEpochs(dir_ / "study.db", 450, first)) << first.wait().err;
  const pid_t killed = first.pid();
  kill(killed, SIGKILL);
  ASSERT_EQ(first.wait().code, 128 + SIGKILL);

  const test::ProcessResult again = tunelab(runArguments("study.db"));
  ASSERT_EQ(again.code, kExitOk) << again.err;
  EXPECT_THAT(again.out, HasSubstr("Taking over study.db from a run that ended without "
                                   "finishing (" +
                                   ownerText(killed)));
  EXPECT_THAT(again.out, HasSubstr("Resuming study"));
  EXPECT_EQ(test::studyContents(dir_ / "study.db"), test::studyContents(dir_ / "whole.db"));
}

TEST_F(StudyOwnerTest, StatusAndReportTellALiveRunFromAnInterruptedOne) {
  // A run far longer than the test: it is killed at the end.
  test::TunelabProcess live(runArguments("live.db", "100000"), dir_);
  ASSERT_TRUE(test::waitForStoredEpochs(dir_ / "live.db", 5, live)) << live.wait().err;

  const test::ProcessResult status = tunelab({"status", "live.db"});
  ASSERT_EQ(status.code, kExitOk) << status.err;
  EXPECT_THAT(status.out, HasSubstr("Running now: tunelab run " + ownerText(live.pid())));
  EXPECT_THAT(status.out, Not(HasSubstr("did not finish")));
  EXPECT_THAT(status.out, HasSubstr("Trials: 1 running"));
  EXPECT_GE(captured(status.out, "trial 0 running: ([0-9]+) epochs so far, val_loss "), 5)
      << status.out;

  const test::ProcessResult html =
      tunelab({"export", "live.db", "--format", "html", "-o", "r.html"});
  ASSERT_EQ(html.code, kExitOk) << html.err;
  const std::string report = test::readText(dir_ / "r.html");
  EXPECT_THAT(report, HasSubstr("Running now: tunelab run " + ownerText(live.pid())));
  // The running trial with its stored epochs, loss and val_loss so far, for its curves.
  const nlohmann::json data = test::reportDataOf(report);
  EXPECT_FALSE(data.at("live").is_null());
  const auto& running = data.at("trials").at(0);
  EXPECT_EQ(running.at("status"), "running");
  EXPECT_GE(running.at("curves").at("epoch").size(), 5U);
  EXPECT_EQ(running.at("curves").at("values").at("val_loss").size(),
            running.at("curves").at("epoch").size());
  ASSERT_EQ(tunelab({"export", "live.db", "--format", "json", "-o", "r.json"}).code, kExitOk);
  const auto json = nlohmann::json::parse(test::readText(dir_ / "r.json"));
  EXPECT_EQ(json["running_now"]["pid"], live.pid());
  EXPECT_EQ(json["trials"][0]["status"], "running");
  EXPECT_GE(json["trials"][0]["epochs"].size(), 5U);

  kill(live.pid(), SIGKILL);
  ASSERT_EQ(live.wait().code, 128 + SIGKILL);
  const test::ProcessResult after = tunelab({"status", "live.db"});
  ASSERT_EQ(after.code, kExitOk) << after.err;
  EXPECT_THAT(after.out, Not(HasSubstr("Running now")));
  EXPECT_THAT(after.out, HasSubstr("Trials: 1 interrupted"));
  EXPECT_THAT(after.out, HasSubstr("1 trials did not finish; tunelab run resumes them"));
  EXPECT_THAT(tunelab({"best", "live.db"}).out, HasSubstr("Trials: 1 interrupted"));
  ASSERT_EQ(tunelab({"export", "live.db", "--format", "html", "-o", "r.html"}).code, kExitOk);
  const std::string stopped = test::readText(dir_ / "r.html");
  EXPECT_THAT(stopped, Not(HasSubstr("<p class=\"live\">Running now")));
  EXPECT_THAT(stopped, HasSubstr("1 trials did not finish; tunelab run resumes them"));
  const nlohmann::json stoppedData = test::reportDataOf(stopped);
  EXPECT_TRUE(stoppedData.at("live").is_null()) << "a page nobody rewrites does not reload itself";
  EXPECT_EQ(stoppedData.at("trials").at(0).at("status"), "interrupted");
}

}  // namespace
}  // namespace tunelab
