#include "experiments/study/ObjectiveValues.h"

#include <algorithm>
#include <cmath>

namespace tunelab {

namespace {

std::optional<double> medianEpochSeconds(const std::vector<EpochRecord>& history,
                                         int parentEpochs) {
  std::vector<double> seconds;
  for (const auto& epoch : history) {
    if (epoch.epoch > parentEpochs) seconds.push_back(epoch.seconds);
  }
  if (seconds.empty()) return std::nullopt;
  std::sort(seconds.begin(), seconds.end());
  const std::size_t middle = seconds.size() / 2;
  return seconds.size() % 2 == 1 ? seconds[middle] : (seconds[middle - 1] + seconds[middle]) / 2;
}

std::optional<double> valueOf(const MetricGoal& goal, const TrialRecord& record,
                              const TrialRun& run, int parentEpochs) {
  if (goal.name == MetricGoal::kParameterCount && run.parameterCount) return run.parameterCount;
  if (goal.name == MetricGoal::kEpochTime) {
    return medianEpochSeconds(run.fit.history, parentEpochs);
  }
  if (record.finalValues.contains(goal.name) && record.finalValues.at(goal.name).is_number()) {
    return record.finalValues.at(goal.name).get<double>();
  }
  return std::nullopt;
}

}  // namespace

ObjectiveValues objectiveValues(const StudySpec& spec, const TrialRecord& record,
                                const TrialRun& run, int parentEpochs) {
  ObjectiveValues out;
  const auto objectives = objectivesOf(spec);
  for (std::size_t i = 0; i < objectives.size(); ++i) {
    const auto value = i == 0 ? record.value : valueOf(objectives[i], record, run, parentEpochs);
    if (!value || !std::isfinite(*value)) {
      out.missing = "search.metric '" + objectives[i].name + "' has no finite value in this trial";
      return out;
    }
    out.values.push_back(*value);
  }
  return out;
}

}  // namespace tunelab
