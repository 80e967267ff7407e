#include "experiments/report/LiveReportWriter.h"

#include <utility>

#include "core/Error.h"
#include "core/ThreadCpuTime.h"
#include "experiments/files/AtomicFile.h"
#include "experiments/report/HtmlReport.h"
#include "experiments/store/StudyStore.h"

namespace tunelab {

LiveReportWriter::LiveReportWriter(const StudySpec& spec, std::filesystem::path storage,
                                   std::filesystem::path page)
    : spec_(spec),
      storage_(std::move(storage)),
      page_(std::move(page)),
      thread_([this] { serve(); }) {}

LiveReportWriter::~LiveReportWriter() { finish(); }

void LiveReportWriter::request(LiveStatus live) {
  {
    const std::lock_guard lock(mutex_);
    if (failed_ || stopping_) return;
    wanted_ = std::move(live);
  }
  wake_.notify_one();
}

std::optional<std::string> LiveReportWriter::takeFailure() {
  const std::lock_guard lock(mutex_);
  return std::exchange(failure_, std::nullopt);
}

void LiveReportWriter::finish() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void LiveReportWriter::serve() {
  for (;;) {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [this] { return stopping_ || wanted_.has_value(); });
    if (stopping_) break;
    const LiveStatus live = *std::exchange(wanted_, std::nullopt);
    lock.unlock();
    write(live);
  }
  cpuSeconds_ = threadCpuSeconds();
}

void LiveReportWriter::fail(std::string why) {
  const std::lock_guard lock(mutex_);
  failed_ = true;
  failure_ = std::move(why);
}

void LiveReportWriter::write(const LiveStatus& live) {
  try {
    // Its own connection (the coordinator's is not shared between threads), read-only: it
    // never waits for the coordinator's commits, nor they for it.
    StudyStore store = StudyStore::forReading(storage_);
    // One snapshot for both of the page's passes (its summary, then its trials): the
    // coordinator commits meanwhile.
    const StudyStore::Snapshot snapshot(store);
    // Streamed into the file a trial at a time: a long study's memory stays flat.
    writeFileAtomically(page_,
                        [&](std::ostream& out) { writeHtmlReport(out, spec_, store, live); });
  } catch (const std::exception& e) {
    fail(e.what());  // an exception let out of this thread would end the whole run
  } catch (...) {
    fail("the live report could not be written");
  }
}

}  // namespace tunelab
