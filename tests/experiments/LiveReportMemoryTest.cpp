// report.html is rewritten every report_every while a study runs. Seen: that live report held
// every trial's rendered data at once (about 8.6 KiB a trial), so the peak memory of a long
// `tunelab run` grew with its trials and the soak test had to run with the live report off.
// Now it is written into the file a trial at a time. This executable counts every byte that
// operator new hands out (tests/support/CountedNew.cpp), so the peak is exact.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <ostream>
#include <sstream>
#include <streambuf>

#include "experiments/report/HtmlReport.h"
#include "experiments/store/StudyStore.h"
#include "tests/support/CountedNew.h"
#include "tests/support/ReportPage.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

// The bytes of a page counted and dropped, as a file would take them.
class CountingBuffer : public std::streambuf {
 public:
  std::size_t bytes = 0;

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes += static_cast<std::size_t>(n);
    return n;
  }
  int_type overflow(int_type c) override {
    ++bytes;
    return traits_type::not_eof(c);
  }
};

// A store of `trials` finished trials as the soak test's (two parameters, a loss), each with
// `epochs` epochs of three values.
void fillStore(StudyStore& store, int trials, int epochs) {
  store.openStudy("long", "text", "space", "config", false);
  StudyStore::Group group(store);  // one synced commit, not one per trial
  for (int id = 0; id < trials; ++id) {
    TrialRecord t;
    t.id = id;
    t.backend = "reference";
    t.params = {{"a", id / 40}, {"b", id % 40}};
    t.status = TrialStatus::Running;
    store.addTrials({t}, nullptr);
    std::vector<TrialEpoch> history;
    for (int e = 1; e <= epochs; ++e) {
      history.push_back(
          {id,
           "reference",
           {e,
            {{"loss", 1.0 / (id + e)}, {"val_loss", 0.5 / e}, {"accuracy", 0.001 * id}},
            0.01,
            0.25}});
    }
    store.addEpochs(history);
    t.status = TrialStatus::Complete;
    t.value = 1.0 / (id + epochs);
    t.epochs = epochs;
    t.bestEpoch = epochs;
    t.seconds = 0.01;
    t.finalValues = {{"loss", *t.value}};
    store.finishTrial(t, nullptr);
  }
  group.commit();
}

struct Rendered {
  std::int64_t peakBytes = 0;  // held at most while writing, beyond what was held before
  std::size_t pageBytes = 0;
  double seconds = 0;
};

// The live report of a study of `trials` trials, as `tunelab run` writes it.
Rendered liveReportOf(int trials, int epochs) {
  const auto dir = test::scratchDir("live-report-" + std::to_string(trials));
  StudyStore store(dir / "study.db");
  fillStore(store, trials, epochs);
  const LiveStatus live{{4242, "vm", "2026-12-02 04:00:00 UTC"}, 5, 2000, 12.5, epochs};
  CountingBuffer sink;
  std::ostream page(&sink);
  Rendered r;
  const auto before = test::liveBytes();
  test::resetPeakBytes();
  const auto started = std::chrono::steady_clock::now();
  writeHtmlReport(page, test::reportedStudy("long", "loss"), store, live);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  r.peakBytes = test::peakBytes() - before;
  r.pageBytes = sink.bytes;
  return r;
}

TEST(LiveReport, ALongStudysReportDoesNotHoldItsTrialsInMemory) {
  if (test::kSanitized) GTEST_SKIP() << "counts operator new, which the sanitizers replace";
  const Rendered small = liveReportOf(100, 3);
  const Rendered large = liveReportOf(2000, 3);
  std::cout << "live report: 100 trials " << small.pageBytes << " bytes, peak " << small.peakBytes
            << " bytes held, " << small.seconds * 1e6 / 100 << " us a trial; 2,000 trials "
            << large.pageBytes << " bytes, peak " << large.peakBytes << " bytes held, "
            << large.seconds * 1e6 / 2000 << " us a trial\n";
  ASSERT_GT(large.pageBytes, small.pageBytes + std::size_t{1900} * 300)
      << "every trial is on the page";
  // Holding the page, or every trial's data, grew by about 9.6 KiB a trial (19 MB for 2,000):
  // 1,900 more trials may add no more than 64 KiB (about 34 bytes a trial).
  EXPECT_LT(large.peakBytes, small.peakBytes + std::int64_t{64} * 1024);
}

// What is written a trial at a time is the page the study's trials make when held at once.
TEST(LiveReport, WrittenATrialAtATimeItIsThePageOfAllTrials) {
  const auto dir = test::scratchDir("live-report-same");
  StudyStore store(dir / "study.db");
  fillStore(store, 30, 4);
  const LiveStatus live{{4242, "vm", "2026-12-02 04:00:00 UTC"}, 5, 2000, 12.5, 4};
  std::ostringstream streamed;
  writeHtmlReport(streamed, test::reportedStudy("long", "loss"), store, live);
  std::vector<ReportTrial> all;
  for (const auto& t : store.trials()) all.push_back({t, store.epochs(t.id, t.backend)});
  EXPECT_EQ(test::reportDataOf(streamed.str()),
            reportData(test::reportedStudy("long", "loss"), all, live));
  EXPECT_EQ(streamed.str(), renderHtmlReport(test::reportedStudy("long", "loss"), all, live));
  EXPECT_NE(streamed.str().find("Best: <b>trial 29</b>"), std::string::npos);
}

}  // namespace
}  // namespace tunelab
