#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

namespace tunelab {

/// What loading a plugin in a child process showed.
struct ProbeVerdict {
  bool survived = false;   // the child loaded and registered it, and exited normally
  std::string failure;     // otherwise what happened: the signal, exit status or time limit,
                           // with the end of what the child wrote to stderr
  bool conclusive = true;  // false: the probe could not run (not worth caching)
};

/// The line the probe program prints once the plugin has loaded and registered.
inline constexpr std::string_view kProbeSurvivedLine = "tunelab-plugin-probe: survived";

/// Runs `probeProgram PLUGIN` (plugins/probe) in its own process group and waits up to
/// `timeout`: a plugin that exits, aborts, crashes or hangs while it is opened or registers
/// ends or stalls that child, never the caller. Afterwards the child and every process it
/// started are killed and reaped, also those that left its process group or session (setsid)
/// or were orphaned: the caller becomes their subreaper, as for objective commands
/// (core/ProcessTree.h), so nothing the plugin started survives the probe.
ProbeVerdict probePlugin(const std::filesystem::path& probeProgram,
                         const std::filesystem::path& plugin, std::chrono::milliseconds timeout);

}  // namespace tunelab
