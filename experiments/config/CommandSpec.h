#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tunelab {

/// The `objective` section: a program to tune instead of the built-in model.
///
///   objective:
///     command: [python3, train.py, --lr, $lr, "--units=$units"]
///     timeout: 10m
///     memory_limit: 2GiB
struct CommandSpec {
  std::vector<std::string> argv;  // may hold $name / ${name} references
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<std::uint64_t> memoryLimitBytes;  // each trial's program, its data segment
};

/// Throws ConfigError keyed by the path below `objective`.
CommandSpec parseCommandSpec(const nlohmann::json& objective);

}  // namespace tunelab
