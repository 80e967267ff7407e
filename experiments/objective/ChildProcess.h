#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tunelab {

/// A program to run: argv[0] is looked up in PATH; no shell is involved.
struct ChildCommand {
  std::vector<std::string> argv;
  std::map<std::string, std::string> environment;  // added to (or replacing) this process's
  std::optional<std::chrono::milliseconds> timeout;
  // The most its data segment (heap and private mappings, RLIMIT_DATA) may grow to.
  std::optional<std::uint64_t> memoryLimitBytes;
  // A longer stdout line reaches onLine cut to longestLine + 1 bytes (so it is seen as too
  // long) and memory stays bounded.
  std::size_t longestLine = std::size_t{1} << 20;
};

/// How a child process ended.
struct ChildExit {
  bool started = false;    // false: it could not be started (see error)
  int exitCode = -1;       // when it exited
  int signal = 0;          // when a signal killed it
  bool timedOut = false;   // killed because it ran past the time limit
  bool stopped = false;    // killed because onLine or cancelled asked to stop
  std::string stderrTail;  // the last lines it wrote to stderr
  std::string error;       // why it could not be started
  std::int64_t peakMemoryKiB = 0;
  double seconds = 0;
};

/// Runs a program in its own session, calling `onLine` for every line it writes to stdout
/// (without the newline). `onLine` returning false, `cancelled` returning true or the time
/// limit passing kills its process group (SIGTERM, then SIGKILL after a grace period). When it
/// has ended, every process it started is killed and reaped, also those that left its session
/// (setsid) or were orphaned: this process becomes their subreaper (PR_SET_CHILD_SUBREAPER).
/// Thread-safe: several children may run at once from different threads.
ChildExit runChild(const ChildCommand& command, const std::function<bool(std::string_view)>& onLine,
                   const std::function<bool()>& cancelled);

/// "exited with status 3", "killed by signal 11 (Segmentation fault)", ...
std::string describeExit(const ChildExit& exit);

}  // namespace tunelab
