#pragma once

#include <chrono>
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
struct CommandSpec {
  std::vector<std::string> argv;  // may hold $name / ${name} references
  std::optional<std::chrono::milliseconds> timeout;
};

/// Throws ConfigError keyed by the path below `objective`.
CommandSpec parseCommandSpec(const nlohmann::json& objective);

}  // namespace tunelab
