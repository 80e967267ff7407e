#include "experiments/config/CommandSpec.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/Error.h"
#include "core/Options.h"
#include "experiments/config/Duration.h"
#include "search/SearchSpace.h"

namespace tunelab {

namespace {

constexpr std::uint64_t kSmallestMemoryLimit = std::uint64_t{16} << 20;

// "2GiB", "512MiB", "1.5GB", or a number of bytes.
std::uint64_t parseMemoryLimit(const nlohmann::json& value) {
  const std::string expected = "expected a size such as \"2GiB\" or \"512MiB\", got ";
  if (!value.is_string() && !value.is_number())
    throw ConfigError("memory_limit", expected + value.dump());
  const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  const std::vector<std::pair<std::string, double>> units = {
      {"", 1},         {"B", 1},    {"KiB", 0x1p10}, {"MiB", 0x1p20}, {"GiB", 0x1p30},
      {"TiB", 0x1p40}, {"KB", 1e3}, {"MB", 1e6},     {"GB", 1e9},     {"TB", 1e12}};
  std::size_t consumed = 0;
  double number = 0;
  try {
    number = std::stod(text, &consumed);
  } catch (const std::exception&) {
    throw ConfigError("memory_limit", expected + value.dump());
  }
  std::string unit = text.substr(consumed);
  unit.erase(0, unit.find_first_not_of(' '));
  const auto it =
      std::find_if(units.begin(), units.end(), [&](const auto& u) { return u.first == unit; });
  if (it == units.end()) throw ConfigError("memory_limit", expected + value.dump());
  const double bytes = number * it->second;
  if (!(bytes >= static_cast<double>(kSmallestMemoryLimit)) || bytes > 0x1p60) {
    throw ConfigError("memory_limit", "must be between 16MiB and 1EiB, got " + value.dump());
  }
  return static_cast<std::uint64_t>(bytes);
}

}  // namespace

CommandSpec parseCommandSpec(const nlohmann::json& objective) {
  Options o(objective, "the objective section");
  CommandSpec spec;
  const auto& command = o.raw("command");
  if (!command.is_array() || command.empty()) {
    throw ConfigError("command",
                      "expected the program and its arguments as a list, such as "
                      "[python3, train.py, --lr, $lr] (no shell is used)");
  }
  for (std::size_t i = 0; i < command.size(); ++i) {
    const auto& arg = command[i];
    if (!arg.is_string() && !arg.is_number()) {
      throw ConfigError("command[" + std::to_string(i) + "]",
                        "expected a string or a number, got " + arg.dump());
    }
    spec.argv.push_back(shownValue(arg));
  }
  if (o.has("timeout")) spec.timeout = parseDuration(o.raw("timeout"), "timeout", false);
  if (o.has("memory_limit")) spec.memoryLimitBytes = parseMemoryLimit(o.raw("memory_limit"));
  o.finish();
  return spec;
}

}  // namespace tunelab
