#include "experiments/config/StudySpec.h"

#include <algorithm>
#include <thread>

#include "core/Error.h"
#include "core/Options.h"
#include "experiments/config/Duration.h"

namespace tunelab {

namespace {

template <typename F>
auto within(const std::string& prefix, F&& f) {
  try {
    return f();
  } catch (const ConfigError& e) {
    throw e.withPrefix(prefix);
  }
}

int threadSetting(Options& o, const std::string& key) {
  const auto& raw = o.raw(key);
  if (raw.is_null() || raw == "auto") return 0;
  if (!raw.is_number_integer() || raw.get<long long>() < 1) {
    throw ConfigError(key, "expected a positive integer or auto, got " + raw.dump());
  }
  return static_cast<int>(raw.get<long long>());
}

void parseSearch(const nlohmann::json& json, const std::vector<std::string>& order,
                 StudySpec& spec) {
  Options search(json, "the search section");
  spec.strategy = search.string("strategy", "grid");
  if (search.has("max_trials")) {
    spec.maxTrials = static_cast<std::size_t>(search.integer("max_trials", {.min = 1}));
  }
  const auto& metric = search.raw("metric");
  if (metric.is_string()) {
    spec.metric = metric.get<std::string>();
    spec.maximize = metricIsMaximized(spec.metric);
  } else if (!metric.is_null()) {
    within("metric", [&] {
      Options m(metric, "search.metric");
      spec.metric = m.string("name", "val_loss");
      spec.maximize =
          m.choice("goal", {"minimize", "maximize"},
                   metricIsMaximized(spec.metric) ? "maximize" : "minimize") == "maximize";
      m.finish();
      return 0;
    });
  }
  spec.space =
      within("parameters", [&] { return SearchSpace::parse(search.raw("parameters"), order); });
  const auto& terminate = search.raw("early_terminate");
  if (!terminate.is_null()) {
    within("early_terminate", [&] {
      if (!terminate.is_object()) {
        throw ConfigError("", "expected a mapping such as {type: median, warmup_epochs: 5}");
      }
      spec.prunerOptions = terminate;
      spec.prunerOptions.erase("type");
      const auto& type =
          terminate.contains("type") ? terminate.at("type") : nlohmann::json("median");
      if (!type.is_string()) throw ConfigError("type", "expected a pruner name such as median");
      spec.pruner = type.get<std::string>();
      return 0;
    });
  }
  // Options of the chosen strategy live under its own name: search.gp: {initial_trials: 10}.
  if (search.has(spec.strategy)) spec.strategyOptions = search.raw(spec.strategy);
  search.finish();
}

void parseExecution(const nlohmann::json& json, StudySpec& spec) {
  Options execution(json, "the execution section");
  spec.seed = static_cast<std::uint64_t>(execution.integer("seed", 42, {.min = 0}));
  const auto& backend = execution.raw("backend");
  if (backend.is_string()) {
    spec.backends = {backend.get<std::string>()};
  } else if (backend.is_array()) {
    spec.backends.clear();
    for (const auto& b : backend) {
      if (!b.is_string()) throw ConfigError("backend", "expected backend names, got " + b.dump());
      if (std::find(spec.backends.begin(), spec.backends.end(), b.get<std::string>()) !=
          spec.backends.end()) {
        throw ConfigError("backend", "backend '" + b.get<std::string>() + "' is listed twice");
      }
      spec.backends.push_back(b.get<std::string>());
    }
    if (spec.backends.empty()) throw ConfigError("backend", "the list of backends is empty");
  } else if (!backend.is_null()) {
    throw ConfigError("backend", "expected a backend name or a list of them");
  }
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
  if (execution.has("output")) spec.output = execution.string("output");
  if (execution.has("storage")) spec.storage = execution.string("storage");
  execution.finish();
}

}  // namespace

bool metricIsMaximized(const std::string& metric) {
  std::string base = metric.rfind("val_", 0) == 0 ? metric.substr(4) : metric;
  base = base.rfind("test_", 0) == 0 ? base.substr(5) : base;
  for (const char* name : {"accuracy", "auc", "precision", "recall", "r2"}) {
    if (base == name) return true;
  }
  return false;
}

StudySpec parseStudySpec(const nlohmann::json& root, const std::vector<std::string>& order) {
  StudySpec spec;
  if (root.contains("name") && root.at("name").is_string()) spec.name = root.at("name");
  const nlohmann::json search = root.contains("search") ? root.at("search") : nlohmann::json();
  within("search", [&] {
    parseSearch(search, order, spec);
    return 0;
  });
  within("execution", [&] {
    parseExecution(root.contains("execution") ? root.at("execution") : nlohmann::json(), spec);
    return 0;
  });
  // A program tuned through `objective.command` runs itself: its trials are stored under
  // the backend name "command" (RunCommand refuses execution.backend beside it).
  if (root.contains("objective")) spec.backends = {"command"};
  if (spec.output.empty()) spec.output = std::filesystem::path("runs") / spec.name;
  if (spec.storage.empty()) spec.storage = spec.output / "study.db";
  return spec;
}

}  // namespace tunelab
