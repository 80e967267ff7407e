#pragma once

// How far a study another process is running has got, read from its database: the tests that
// act on a live run (kill it, run a second one, ask its status) wait for stored progress, never
// for a fixed time, so they do the same on a busy machine.
#include <chrono>
#include <filesystem>
#include <thread>

#include "core/Error.h"
#include "experiments/store/Sqlite.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab::test {

/// Epochs stored in a study (0 before it exists); another process may be writing it.
inline double storedEpochs(const std::filesystem::path& db) {
  if (!std::filesystem::exists(db)) return 0;
  try {
    SqliteDatabase connection(db);
    connection.execute("PRAGMA busy_timeout = 10000");
    auto count = connection.prepare("SELECT count(*) FROM epochs");
    return count.next() ? static_cast<double>(count.integer(0)) : 0;
  } catch (const Error&) {
    return 0;  // created a moment ago: no tables yet
  }
}

/// Waits until `db` holds at least `epochs` epochs or `run` has ended; true when it does.
inline bool waitForStoredEpochs(const std::filesystem::path& db, double epochs,
                                const TunelabProcess& run) {
  while (true) {
    const bool ended = run.ended();
    if (storedEpochs(db) >= epochs) return true;
    if (ended) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace tunelab::test
