#include "experiments/config/Duration.h"

#include <cmath>
#include <string>

#include "core/Error.h"
#include "experiments/config/Limits.h"

namespace tunelab {

std::chrono::milliseconds parseDuration(const nlohmann::json& value, const std::string& key,
                                        bool allowZero) {
  double seconds = 0;
  if (value.is_number()) {
    seconds = value.get<double>();
  } else if (value.is_string()) {
    const std::string text = value.get<std::string>();
    std::size_t consumed = 0;
    try {
      seconds = std::stod(text, &consumed);
    } catch (const std::exception&) {
      consumed = 0;
    }
    const std::string unit = consumed == 0 ? "?" : text.substr(consumed);
    if (unit == "m") {
      seconds *= 60;
    } else if (unit == "h") {
      seconds *= 3600;
    } else if (!unit.empty() && unit != "s") {
      throw ConfigError(
          key, "expected a duration such as 90, \"30s\", \"10m\" or \"2h\", got \"" + text + "\"");
    }
  } else {
    throw ConfigError(
        key, "expected a duration such as 90, \"30s\", \"10m\" or \"2h\", got " + value.dump());
  }
  if (!std::isfinite(seconds) || seconds < 0 || (seconds == 0 && !allowZero)) {
    throw ConfigError(key, std::string("must be a ") + (allowZero ? "non-negative" : "positive") +
                               " duration, got " + value.dump());
  }
  if (seconds > limits::kMostDurationSeconds) {
    throw ConfigError(key,
                      "must be at most 366 days (" +
                          std::to_string(static_cast<long long>(limits::kMostDurationSeconds)) +
                          " seconds), got " + value.dump());
  }
  return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000)));
}

}  // namespace tunelab
