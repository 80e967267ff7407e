// report.html is rewritten while the study runs on a thread of its own, from its own
// connection to the study database: the coordinator goes on storing trials meanwhile, and a
// rewrite that fails is said once.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "experiments/report/LiveReportWriter.h"
#include "experiments/store/StudyStore.h"
#include "tests/support/ReportPage.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

// A finished trial with two epochs, stored and committed as the coordinator stores one.
void addTrial(StudyStore& store, int id) {
  StudyStore::Group group(store);
  TrialRecord t;
  t.id = id;
  t.backend = "reference";
  t.params = {{"a", id}};
  t.status = TrialStatus::Running;
  store.addTrials({t}, nullptr);
  store.addEpochs({{id, "reference", {1, {{"loss", 1.0}}, 0.01, 0.1}},
                   {id, "reference", {2, {{"loss", 0.5}}, 0.01, 0.1}}});
  t.status = TrialStatus::Complete;
  t.value = 0.5;
  t.epochs = 2;
  t.bestEpoch = 2;
  t.finalValues = {{"loss", 0.5}};
  store.finishTrial(t, nullptr);
  group.commit();
}

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The trials the page shows once it shows `trials` of them (it is rewritten in the
// background), or what it showed after 20 s.
std::size_t waitForTrialsOnPage(const std::filesystem::path& page, std::size_t trials) {
  std::size_t shown = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(page)) {
      shown = test::reportDataOf(read(page)).at("trials").size();
      if (shown == trials) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return shown;
}

const LiveStatus kLive{{4242, "vm", "2026-12-02 08:00:00 UTC"}, 5, 10, 1.5, 2};

TEST(LiveReportWriter, ThePageShowsWhatTheStoreCommittedWhileTheCoordinatorGoesOnStoring) {
  const auto dir = test::scratchDir("live-report-writer");
  const StudySpec spec = test::reportedStudy("live", "loss");
  StudyStore store(dir / "study.db");
  store.openStudy("live", "text", "space", "config", false);
  for (int id = 0; id < 3; ++id) addTrial(store, id);
  LiveReportWriter writer(spec, dir / "study.db", dir / "report.html");
  writer.request(kLive);
  EXPECT_EQ(waitForTrialsOnPage(dir / "report.html", 3), 3U);
  // The coordinator stores trials while pages are written, each request after a commit.
  for (int id = 3; id < 40; ++id) {
    addTrial(store, id);
    writer.request(kLive);
  }
  EXPECT_EQ(waitForTrialsOnPage(dir / "report.html", 40), 40U);
  writer.finish();
  EXPECT_FALSE(writer.takeFailure().has_value());
  EXPECT_GT(writer.cpuSeconds(), 0.0);
}

TEST(LiveReportWriter, ARewriteThatFailsIsSaidOnceAndTheRewritesStop) {
  const auto dir = test::scratchDir("live-report-writer-fails");
  const StudySpec spec = test::reportedStudy("live", "loss");
  StudyStore store(dir / "study.db");
  store.openStudy("live", "text", "space", "config", false);
  addTrial(store, 0);
  std::filesystem::create_directories(dir / "report.html");  // a directory where the page goes
  LiveReportWriter writer(spec, dir / "study.db", dir / "report.html");
  writer.request(kLive);
  std::optional<std::string> failure;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!failure && std::chrono::steady_clock::now() < deadline) {
    failure = writer.takeFailure();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(failure.has_value());
  EXPECT_NE(failure->find("report.html"), std::string::npos) << *failure;
  writer.request(kLive);
  writer.finish();
  EXPECT_FALSE(writer.takeFailure().has_value()) << "said twice, or a rewrite after the failure";
}

}  // namespace
}  // namespace tunelab
