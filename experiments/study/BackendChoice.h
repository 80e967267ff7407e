#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tunelab {

/// What `execution.backend: auto` measured of one backend: seconds per training step of the
/// study's model.
struct BackendTiming {
  std::string backend;
  double secondsPerStep = 0;
};

/// The backend `auto` picked, and why.
struct BackendChoice {
  enum class Source : std::uint8_t { Measured, Cached, OnlyOne, Resumed };
  std::string backend;
  Source source = Source::Measured;
  std::vector<BackendTiming> timings;  // fastest first; empty when nothing was measured
  bool steady = true;                  // false: timings varied too much to cache the verdict
  int sideBySide = 1;                  // copies of the model timed at once (trials at once)
};

/// Seconds per training step of the study's model on a backend (with `threads` threads).
using MeasureStep = std::function<double(const std::string& backend, int threads)>;

/// The file where verdicts are cached: $TUNELAB_CACHE_DIR, else $XDG_CACHE_HOME/tunelab, else
/// ~/.cache/tunelab, each /backend-choice.json; nothing when none of them is set.
std::optional<std::filesystem::path> choiceCacheFile();

/// What a verdict depends on besides the model: the CPU, its cores, OPENBLAS_CORETYPE and
/// each candidate's library, version and kernel (`descriptions`).
std::string machineKey(const std::vector<std::string>& descriptions);

/// Picks the fastest of `candidates` (one step of the model timed on each, in turn, at least
/// three times and until each one's fastest time is reproduced within 25%, at most eight), or
/// reads the verdict cached in `cacheFile` under `key`. A verdict is cached only when its
/// timings were reproduced (a busy machine's are not). A cache that cannot be read or written
/// is ignored.
BackendChoice chooseBackend(const std::vector<std::string>& candidates, const std::string& key,
                            const std::optional<std::filesystem::path>& cacheFile,
                            const MeasureStep& measure);

/// "backend auto: onednn (1.31x faster than openblas on this model with 2 trials at once: 41 us
/// vs 54 us per step)".
std::string describeChoice(const BackendChoice& choice);

/// What `threads_per_trial: auto` decided for a model, and the timings it decided on.
struct ThreadsChoice {
  int threads = 1;
  int tried = 1;            // the most threads measured
  double oneThread = 0;     // seconds per step on one thread (0: not measured)
  double triedThreads = 0;  // ... and on `tried` threads
  bool cached = false;
  bool steady = true;  // false: timings varied too much; one thread, not cached
};

/// Threads per trial for `threads_per_trial: auto`: more than one only when `threads` threads
/// make a step of the model at least 0.75 x threads faster than one thread (measured, or read
/// from the cache under `key`), so a trial never runs slower than on one thread and the cores
/// are not better spent on parallel trials. Timings that are not reproduced (a busy machine)
/// give one thread and are not cached.
ThreadsChoice chooseThreads(int threads, const std::string& backend, const std::string& key,
                            const std::optional<std::filesystem::path>& cacheFile,
                            const MeasureStep& measure);

/// "threads per trial auto: 1 (2 threads: 1.10x faster per step than 1, below the 1.50x faster
/// that pays for the cores: 0.75 ms vs 0.82 ms)"; empty when nothing was measured.
std::string describeThreads(const ThreadsChoice& choice);

}  // namespace tunelab
