#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "core/Export.h"

namespace tunelab {

/// Makes this process the subreaper of its descendants (PR_SET_CHILD_SUBREAPER): a process
/// whose parent dies is re-parented here, not to init, so it can still be found and reaped.
/// Once per process; later calls do nothing. Objective commands (experiments/objective/
/// ChildProcess) and plugin probes (plugins/PluginProbe) are ended so.
TUNELAB_API void becomeSubreaper();

/// A "NAME=VALUE" environment entry unique to one child this process starts (never the same
/// twice in a process): its descendants inherit it, so an orphan re-parented here is known
/// as that child's by it (ChildProcessTree).
TUNELAB_API std::string newChildMarker();

/// Every process one child program started, followed while it runs, so that all of them can
/// be ended with it: its descendants by parent link, also those that call setsid() to leave
/// its session and those orphaned by a parent's exit (re-parented to this subreaper and found
/// by the `marker` environment entry the child was started with).
class TUNELAB_API ChildProcessTree {
 public:
  /// `marker` is "NAME=VALUE", unique to this child, in its environment.
  ChildProcessTree(pid_t child, std::string marker);

  /// Remembers the child's living descendants (call now and then while it runs).
  void observe();
  /// Kills (SIGKILL) every remembered or found descendant, repeatedly until none is left or
  /// `patience` has passed, and reaps those that were re-parented here. The child itself
  /// is left to its caller.
  void killAll(std::chrono::milliseconds patience = std::chrono::seconds(2));

 private:
  pid_t child_;
  std::string marker_;
  std::map<pid_t, std::uint64_t> known_;  // pid -> start time (a reused pid is someone else)
};

}  // namespace tunelab
