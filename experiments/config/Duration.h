#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace tunelab {

/// "90", 90, "30s", "10m", "1.5h" -> a duration. Throws ConfigError under `key` for anything
/// else, a negative value, or zero unless `allowZero`.
std::chrono::milliseconds parseDuration(const nlohmann::json& value, const std::string& key,
                                        bool allowZero);

}  // namespace tunelab
