#include "experiments/objective/TrainingCheck.h"

#include <algorithm>

#include "core/Error.h"
#include "core/Metric.h"
#include "core/Optimizer.h"
#include "core/Options.h"
#include "core/Schedule.h"
#include "experiments/objective/ModelTraining.h"
#include "experiments/objective/TargetCheck.h"

namespace tunelab {

namespace {

void checkMetrics(const TrainingSpec& spec, TaskKind task) {
  for (std::size_t i = 0; i < spec.metrics.size(); ++i) {
    withKeyPrefix("model.metrics[" + std::to_string(i) + "]",
                  [&] { return makeMetric(spec.metrics[i], task); });
  }
}

// `monitor` (at `key`) must be a value training records; with mode auto, one whose direction
// is known.
void checkWatched(const std::string& key, const std::string& monitor,
                  const std::vector<std::string>& recorded) {
  if (std::find(recorded.begin(), recorded.end(), monitor) != recorded.end()) return;
  std::string message = "'" + monitor + "' is not recorded";
  if (auto near = nearestName(monitor, recorded); !near.empty()) {
    message += " (did you mean '" + near + "'?)";
  }
  throw ConfigError(key, message + "; each epoch records " + joinNames(recorded));
}

}  // namespace

std::vector<std::string> recordedNames(const TrainingSpec& spec, bool validation) {
  std::vector<std::string> names{"loss"};
  names.insert(names.end(), spec.metrics.begin(), spec.metrics.end());
  if (!validation) return names;
  const std::size_t trained = names.size();
  for (std::size_t i = 0; i < trained; ++i) names.push_back("val_" + names[i]);
  return names;
}

ModelCheck checkTraining(const TrainingSpec& spec, const PluginHost& plugins, const Dataset& train,
                         bool validation) {
  const auto loss = lossOf(spec);
  const Graph graph = graphOf(spec, train.sampleShape, *loss, plugins);
  checkTargetsFit(spec, *loss, graph.outputShape().elements(), train);
  withKeyPrefix("train.optimizer",
                [&] { return makeOptimizer(spec.fit.optimizer, graph.tensorBounds()); });
  const auto schedule = withKeyPrefix("train.learning_rate_schedule",
                                      [&] { return makeSchedule(spec.fit.schedule); });
  checkMetrics(spec, train.task);
  const auto recorded = recordedNames(spec, validation);
  if (spec.fit.earlyStopping.enabled) {
    checkWatched("train.early_stopping.monitor", spec.fit.earlyStopping.monitor, recorded);
  }
  if (auto monitor = schedule->monitor()) {
    checkWatched("train.learning_rate_schedule.monitor", *monitor, recorded);
  }
  return {graph.params().size(), graph.summaryText("sequential")};
}

}  // namespace tunelab
