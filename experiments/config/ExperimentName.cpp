#include "experiments/config/ExperimentName.h"

#include <algorithm>

#include "core/Error.h"

namespace tunelab {

namespace {

constexpr std::size_t kLongestExperimentName = 200;

// Why `name` cannot be one part of a path, or "" when it can.
std::string namePartProblem(const std::string& name) {
  if (name.empty()) return "is empty";
  if (name == "." || name == "..") return "is a directory reference";
  if (name.find_first_of("/\\") != std::string::npos) return "contains a path separator";
  if (std::any_of(name.begin(), name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return "contains a control character";
  }
  if (name.size() > kLongestExperimentName) {
    return "is longer than " + std::to_string(kLongestExperimentName) + " bytes";
  }
  return "";
}

}  // namespace

std::string experimentName(const nlohmann::json& root) {
  if (!root.is_object() || !root.contains("name") || root.at("name").is_null()) {
    return "experiment";
  }
  const auto& value = root.at("name");
  if (!value.is_string()) throw ConfigError("name", "must be a string, got " + value.dump());
  std::string name = value.get<std::string>();
  if (const auto problem = namePartProblem(name); !problem.empty()) {
    throw ConfigError("name", "the name " +
                                  nlohmann::json(name).dump(
                                      -1, ' ', false, nlohmann::json::error_handler_t::replace) +
                                  " " + problem +
                                  "; it names the study's folder (runs/<name>), so write a plain "
                                  "name such as my-study (execution.output chooses the folder)");
  }
  return name;
}

}  // namespace tunelab
