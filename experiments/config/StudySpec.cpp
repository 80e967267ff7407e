#include "experiments/config/StudySpec.h"

#include <algorithm>
#include <array>

#include "core/Error.h"
#include "core/Options.h"
#include "experiments/config/ExperimentName.h"
#include "experiments/config/Limits.h"
#include "search/StrategyChoice.h"

namespace tunelab {

namespace {

constexpr std::array<const char*, 6> kBundledStrategies{"grid", "random",    "gp",
                                                        "tpe",  "hyperband", "nsga2"};

void chooseAutoStrategy(Options& search, StudySpec& spec) {
  if (!spec.maxTrials && !spec.space.finite()) {
    throw ConfigError("max_trials",
                      "strategy auto over a space with a continuous range needs max_trials, "
                      "how many trials to run (for example max_trials: 50)");
  }
  for (const char* name : kBundledStrategies) {
    if (search.has(name)) spec.autoStrategyOptions[name] = search.raw(name);
  }
  auto choice = chooseStrategy(spec.space, spec.maxTrials, 1 + spec.extraObjectives.size());
  useAutoStrategy(spec, choice.strategy, std::move(choice.reason));
}

MetricGoal parseMetricGoal(const nlohmann::json& metric) {
  if (metric.is_string()) return MetricGoal::forName(metric.get<std::string>());
  Options m(metric, "search.metric");
  MetricGoal goal = MetricGoal::forName(m.string("name", "val_loss"));
  // `goal` as W&B sweeps write it, or `direction` as Optuna does.
  if (m.has("goal") && m.has("direction")) {
    throw ConfigError("direction", "give either goal or direction, not both");
  }
  const std::string key = m.has("direction") ? "direction" : "goal";
  goal.maximize =
      m.choice(key, {"minimize", "maximize"}, std::string(goal.goalName())) == "maximize";
  m.finish();
  return goal;
}

void parseObjectiveList(const nlohmann::json& metric, StudySpec& spec) {
  if (metric.empty()) {
    throw ConfigError("metric", "expected a metric, or a list of them such as [val_loss, params]");
  }
  for (std::size_t i = 0; i < metric.size(); ++i) {
    const std::string key = "metric";
    const std::string place = key + "[" + std::to_string(i) + "]";
    MetricGoal goal = withKeyPrefix(place, [&] { return parseMetricGoal(metric.at(i)); });
    const auto objectives = objectivesOf(spec);
    if (i > 0 && std::any_of(objectives.begin(), objectives.end(),
                             [&](const MetricGoal& g) { return g.name == goal.name; })) {
      throw ConfigError(place, "'" + goal.name + "' is listed twice");
    }
    (i == 0 ? spec.metric : spec.extraObjectives.emplace_back()) = std::move(goal);
  }
}

// search.metric: a name, a mapping, or a list of them (several objectives).
void parseObjectives(const nlohmann::json& metric, StudySpec& spec) {
  if (metric.is_null()) return;
  if (metric.is_array()) {
    parseObjectiveList(metric, spec);
  } else {
    spec.metric = withKeyPrefix("metric", [&] { return parseMetricGoal(metric); });
  }
  if (spec.metric.derived()) {
    throw ConfigError(metric.is_array() ? "metric[0]" : "metric",
                      "the first metric picks each trial's epoch, so it must be a value "
                      "training records, such as val_loss; list '" +
                          spec.metric.name + "' after it: [val_loss, " + spec.metric.name + "]");
  }
}

void parseSearch(const nlohmann::json& json, const std::vector<std::string>& order,
                 StudySpec& spec) {
  Options search(json, "the search section");
  spec.strategy = search.string("strategy", "auto");
  if (search.has("max_trials")) {
    spec.maxTrials = static_cast<std::size_t>(
        search.integer("max_trials", {.min = 1, .max = limits::kMostTrials}));
  }
  parseObjectives(search.raw("metric"), spec);
  spec.space = withKeyPrefix("parameters",
                             [&] { return SearchSpace::parse(search.raw("parameters"), order); });
  const auto& terminate = search.raw("early_terminate");
  if (!terminate.is_null()) {
    withKeyPrefix("early_terminate", [&] {
      if (!terminate.is_object()) {
        throw ConfigError("", "expected a mapping such as {type: median, warmup_epochs: 5}");
      }
      spec.prunerOptions = terminate;
      spec.prunerOptions.erase("type");
      const auto& type =
          terminate.contains("type") ? terminate.at("type") : nlohmann::json("median");
      if (!type.is_string()) throw ConfigError("type", "expected a pruner name such as median");
      spec.pruner = type.get<std::string>();
      if (!spec.extraObjectives.empty()) {
        throw ConfigError("",
                          "stopping trials early compares one metric, and search.metric "
                          "lists several objectives: remove early_terminate, or search one "
                          "metric");
      }
      return 0;
    });
  }
  // Options of the chosen strategy live under its own name: search.gp: {initial_trials: 10}.
  if (spec.strategy == "auto") {
    chooseAutoStrategy(search, spec);
  } else if (search.has(spec.strategy)) {
    spec.strategyOptions = search.raw(spec.strategy);
  }
  search.finish();
}

}  // namespace

void useAutoStrategy(StudySpec& spec, const std::string& strategy, std::string reason) {
  spec.strategy = strategy;
  spec.strategyReason = std::move(reason);
  spec.strategyOptions = spec.autoStrategyOptions.value(strategy, nlohmann::json::object());
}

void refuseIgnoredStrategyOptions(const StudySpec& spec) {
  for (const auto& [name, options] : spec.autoStrategyOptions.items()) {
    if (name == spec.strategy) continue;
    throw ConfigError("search." + name, "options for " + name + ", but strategy auto chose " +
                                            spec.strategy + " (" + spec.strategyReason +
                                            "); write strategy: " + name + " to run it");
  }
}

StrategyContext strategyContext(const StudySpec& study) {
  return {
      &study.space,      study.strategyOptions,          study.execution.seed,      study.maxTrials,
      study.trainEpochs, study.execution.parallelTrials, objectivesOf(study).size()};
}

std::vector<MetricGoal> objectivesOf(const StudySpec& spec) {
  std::vector<MetricGoal> objectives{spec.metric};
  objectives.insert(objectives.end(), spec.extraObjectives.begin(), spec.extraObjectives.end());
  return objectives;
}

std::vector<double> minimisedObjectives(const StudySpec& spec, const std::vector<double>& values) {
  const auto objectives = objectivesOf(spec);
  std::vector<double> minimised;
  for (std::size_t i = 0; i < values.size() && i < objectives.size(); ++i) {
    minimised.push_back(objectives[i].minimised(values[i]));
  }
  return minimised;
}

std::string describeObjectives(const StudySpec& spec) {
  std::string text;
  for (const auto& goal : objectivesOf(spec)) {
    if (!text.empty()) text += ", ";
    text += goal.name + " (" + std::string(goal.goalName()) + ")";
  }
  return text;
}

StudySpec parseStudySpec(const nlohmann::json& root, const std::vector<std::string>& order) {
  StudySpec spec;
  spec.name = experimentName(root);
  const nlohmann::json search = root.contains("search") ? root.at("search") : nlohmann::json();
  withKeyPrefix("search", [&] {
    parseSearch(search, order, spec);
    return 0;
  });
  spec.execution = withKeyPrefix("execution", [&] {
    return parseExecutionSpec(root.contains("execution") ? root.at("execution") : nlohmann::json());
  });
  // A program tuned through `objective.command` runs itself: its trials are stored under
  // the backend name "command" (RunCommand refuses execution.backend beside it).
  if (root.contains("objective")) spec.execution.backends = {"command"};
  auto& execution = spec.execution;
  if (execution.output.empty()) execution.output = std::filesystem::path("runs") / spec.name;
  if (execution.storage.empty()) execution.storage = execution.output / "study.db";
  return spec;
}

}  // namespace tunelab
