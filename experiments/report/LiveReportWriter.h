#pragma once

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "experiments/config/StudySpec.h"
#include "experiments/report/ReportData.h"

namespace tunelab {

/// Rewrites report.html while a study runs, on a thread of its own that reads the study
/// database through its own connection (WAL: it reads the last commit while the coordinator
/// writes the next). A rewrite reads every trial's epochs, so it grows with the study (tens of
/// ms at a few thousand epochs); on the coordinator's thread it held up every trial waiting for
/// an answer or a slot, and it was the largest part of that thread's CPU under MPI. A request
/// made while a rewrite runs replaces any earlier one still waiting; destruction waits for the
/// rewrite in progress and drops a waiting one (the final report follows).
class LiveReportWriter {
 public:
  LiveReportWriter(const StudySpec& spec, std::filesystem::path storage,
                   std::filesystem::path page);
  ~LiveReportWriter();
  LiveReportWriter(const LiveReportWriter&) = delete;
  LiveReportWriter& operator=(const LiveReportWriter&) = delete;

  /// Asks for a rewrite with this status line (the caller has committed what it should show).
  void request(LiveStatus live);
  /// Why the first rewrite that failed did, once; nothing when none failed or it was taken.
  /// Rewrites stop after a failure.
  std::optional<std::string> takeFailure();
  /// Ends the thread (after its rewrite in progress); then cpuSeconds() is its CPU time.
  void finish();
  double cpuSeconds() const { return cpuSeconds_; }

 private:
  void serve();
  void write(const LiveStatus& live);
  void fail(std::string why);

  const StudySpec& spec_;
  std::filesystem::path storage_;
  std::filesystem::path page_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<LiveStatus> wanted_;
  bool stopping_ = false;
  bool failed_ = false;
  std::optional<std::string> failure_;
  double cpuSeconds_ = 0;
  std::thread thread_;  // last: it starts once everything above is ready
};

}  // namespace tunelab
