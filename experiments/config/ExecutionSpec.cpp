#include "experiments/config/ExecutionSpec.h"

#include <algorithm>
#include <limits>
#include <thread>

#include "core/Error.h"
#include "core/Options.h"
#include "experiments/config/Duration.h"
#include "experiments/config/Limits.h"

namespace tunelab {

namespace {

int threadSetting(Options& o, const std::string& key) {
  const auto& raw = o.raw(key);
  if (raw.is_null() || raw == "auto") return 0;
  if (!raw.is_number_integer() || raw.get<long long>() < 1 ||
      raw.get<double>() > limits::kMostThreads) {
    throw ConfigError(key, "expected a whole number from 1 to " +
                               std::to_string(static_cast<int>(limits::kMostThreads)) +
                               ", or auto, got " + raw.dump());
  }
  return static_cast<int>(raw.get<long long>());
}

// Any whole number a 64-bit seed holds, written in digits.
std::uint64_t parseSeed(Options& o) {
  const auto& raw = o.raw("seed");
  if (raw.is_null()) return 42;
  if (raw.is_number_unsigned()) return raw.get<std::uint64_t>();
  if (raw.is_number_integer() && raw.get<long long>() >= 0) {
    return static_cast<std::uint64_t>(raw.get<long long>());
  }
  throw ConfigError("seed", "must be a whole number from 0 to " +
                                std::to_string(std::numeric_limits<std::uint64_t>::max()) +
                                ", got " + raw.dump());
}

std::vector<std::string> parseBackends(const nlohmann::json& backend) {
  if (backend.is_null()) return {kAutoBackend};
  if (backend.is_string()) return {backend.get<std::string>()};
  if (!backend.is_array())
    throw ConfigError("backend", "expected a backend name or a list of them");
  std::vector<std::string> backends;
  for (const auto& b : backend) {
    if (!b.is_string()) throw ConfigError("backend", "expected backend names, got " + b.dump());
    if (std::find(backends.begin(), backends.end(), b.get<std::string>()) != backends.end()) {
      throw ConfigError("backend", "backend '" + b.get<std::string>() + "' is listed twice");
    }
    backends.push_back(b.get<std::string>());
  }
  if (backends.empty()) throw ConfigError("backend", "the list of backends is empty");
  if (backends.size() > 1 &&
      std::find(backends.begin(), backends.end(), kAutoBackend) != backends.end()) {
    throw ConfigError("backend",
                      "auto picks one backend; list the backends by name to run every trial "
                      "on each");
  }
  return backends;
}

}  // namespace

const std::vector<std::string>& executionOnlyKeys() {
  static const std::vector<std::string> kKeys{"parallel_trials",  "threads_per_trial",
                                              "storage",          "output",
                                              "checkpoint_every", "report_every"};
  return kKeys;
}

ExecutionSpec parseExecutionSpec(const nlohmann::json& json) {
  Options execution(json, "the execution section");
  ExecutionSpec spec;
  spec.seed = parseSeed(execution);
  spec.backends = parseBackends(execution.raw("backend"));
  spec.parallelTrials = threadSetting(execution, "parallel_trials");
  spec.threadsPerTrial = threadSetting(execution, "threads_per_trial");
  const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  if (spec.parallelTrials > 0 && spec.threadsPerTrial > 0 &&
      spec.parallelTrials * spec.threadsPerTrial > cores) {
    throw ConfigError("parallel_trials",
                      std::to_string(spec.parallelTrials) + " parallel trials x " +
                          std::to_string(spec.threadsPerTrial) + " threads exceed the " +
                          std::to_string(cores) + " cores of this machine");
  }
  if (const auto& every = execution.raw("checkpoint_every"); !every.is_null()) {
    spec.checkpointEverySeconds =
        static_cast<double>(parseDuration(every, "checkpoint_every", true).count()) / 1000.0;
  }
  if (const auto& every = execution.raw("report_every"); !every.is_null()) {
    spec.reportEverySeconds =
        static_cast<double>(parseDuration(every, "report_every", true).count()) / 1000.0;
  }
  if (execution.has("output")) spec.output = execution.string("output");
  if (execution.has("storage")) spec.storage = execution.string("storage");
  execution.finish();
  return spec;
}

}  // namespace tunelab
