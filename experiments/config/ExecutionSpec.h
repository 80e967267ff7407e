#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tunelab {

/// The backend name that asks tunelab to measure the installed backends on the study's model
/// at start and run on the fastest (the default).
inline constexpr const char* kAutoBackend = "auto";

/// The `execution` section: where and how trials run.
struct ExecutionSpec {
  std::vector<std::string> backends{kAutoBackend};  // the first is the primary one
  int parallelTrials = 0;                           // 0 = auto
  int threadsPerTrial = 0;                          // 0 = auto
  std::uint64_t seed = 42;
  double checkpointEverySeconds = 30;  // checkpoint_every: a running trial's progress
  double reportEverySeconds = 5;       // report_every: report.html rewritten while running
  std::filesystem::path output;        // default runs/<name>
  std::filesystem::path storage;       // default <output>/study.db
};

/// Throws ConfigError keyed below `execution` for anything missing or invalid.
ExecutionSpec parseExecutionSpec(const nlohmann::json& execution);

/// The execution keys that change how a study runs but not its results: a stored study
/// resumes with other values of these.
const std::vector<std::string>& executionOnlyKeys();

}  // namespace tunelab
