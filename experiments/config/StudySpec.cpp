#include "experiments/config/StudySpec.h"

#include <algorithm>

#include "core/Error.h"
#include "core/Options.h"
#include "search/StrategyChoice.h"

namespace tunelab {

namespace {

void chooseAutoStrategy(StudySpec& spec) {
  if (!spec.maxTrials && !spec.space.finite()) {
    throw ConfigError("max_trials",
                      "strategy auto over a space with a continuous range needs max_trials, "
                      "how many trials to run (for example max_trials: 50)");
  }
  auto choice = chooseStrategy(spec.space, spec.maxTrials);
  spec.strategy = std::move(choice.strategy);
  spec.strategyReason = std::move(choice.reason);
}

void parseSearch(const nlohmann::json& json, const std::vector<std::string>& order,
                 StudySpec& spec) {
  Options search(json, "the search section");
  spec.strategy = search.string("strategy", "auto");
  if (search.has("max_trials")) {
    spec.maxTrials = static_cast<std::size_t>(search.integer("max_trials", {.min = 1}));
  }
  const auto& metric = search.raw("metric");
  if (metric.is_string()) {
    spec.metric = MetricGoal::forName(metric.get<std::string>());
  } else if (!metric.is_null()) {
    withKeyPrefix("metric", [&] {
      Options m(metric, "search.metric");
      spec.metric = MetricGoal::forName(m.string("name", "val_loss"));
      spec.metric.maximize = m.choice("goal", {"minimize", "maximize"},
                                      std::string(spec.metric.goalName())) == "maximize";
      m.finish();
      return 0;
    });
  }
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
      return 0;
    });
  }
  if (spec.strategy == "auto") chooseAutoStrategy(spec);
  // Options of the chosen strategy live under its own name: search.gp: {initial_trials: 10}.
  if (search.has(spec.strategy)) spec.strategyOptions = search.raw(spec.strategy);
  search.finish();
}

}  // namespace

StudySpec parseStudySpec(const nlohmann::json& root, const std::vector<std::string>& order) {
  StudySpec spec;
  if (root.contains("name") && root.at("name").is_string()) spec.name = root.at("name");
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
