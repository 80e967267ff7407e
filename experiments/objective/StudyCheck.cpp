#include "experiments/objective/StudyCheck.h"

#include <algorithm>
#include <map>

#include "core/Error.h"

namespace tunelab {

namespace {

using nlohmann::json;

// The value search.metric names must be one that every trial records.
void checkSearchMetric(const ExperimentSpec& experiment, const std::vector<std::string>& recorded) {
  const std::string& name = experiment.study.metric.name;
  if (std::find(recorded.begin(), recorded.end(), name) != recorded.end()) return;
  const auto& search = experiment.root.at("search");
  const bool mapping = search.contains("metric") && search.at("metric").is_object();
  std::string message = "'" + name + "' is not recorded by a trial";
  if (auto near = nearestName(name, recorded); !near.empty()) {
    message += " (did you mean '" + near + "'?)";
  }
  throw ConfigError(mapping ? "search.metric.name" : "search.metric",
                    message + "; each epoch records " + joinNames(recorded));
}

class Checker {
 public:
  Checker(const ExperimentSpec& experiment, const PreparedData& data, const PluginHost& plugins)
      : experiment_(experiment),
        data_(data),
        plugins_(plugins),
        validation_(data.validation.size() > 0 ||
                    (experiment.probe && experiment.probe->validationFolds > 0)) {}

  ProbedModel check(const ProbePoint& point) const {
    try {
      const TrainingSpec spec = experiment_.training(point.params);
      ProbedModel probed{point.params, checkTraining(spec, plugins_, data_.train, validation_)};
      checkSearchMetric(experiment_, recordedNames(spec, validation_));
      return probed;
    } catch (const ConfigError& e) {
      throw blameParameter(e, point, experiment_.root);
    }
  }

 private:
  const ExperimentSpec& experiment_;
  const PreparedData& data_;
  const PluginHost& plugins_;
  bool validation_;
};

// For each parameter, its value that gave the smallest (or largest) model where it was varied.
std::map<std::string, json> extremeChoices(const std::vector<ProbePoint>& points,
                                           const std::vector<ProbedModel>& models, bool largest) {
  std::map<std::string, std::size_t> best;
  for (const auto& [name, value] : points.front().params.items()) best[name] = 0;
  for (std::size_t i = 1; i < points.size(); ++i) {
    const auto& name = points[i].varied;
    const auto it = best.find(name);
    const std::size_t size = models[i].model.parameters;
    if (it == best.end() || (largest ? size > models[it->second].model.parameters
                                     : size < models[it->second].model.parameters)) {
      best[name] = i;
    }
  }
  std::map<std::string, json> choices;
  for (const auto& [name, i] : best) choices[name] = points[i].params.at(name);
  return choices;
}

}  // namespace

StudyCheck checkStudy(const ExperimentSpec& experiment, const PreparedData& data,
                      const PluginHost& plugins) {
  const Checker checker(experiment, data, plugins);
  const auto& points = experiment.probePoints;
  std::vector<ProbedModel> models;
  for (const auto& point : points) models.push_back(checker.check(point));
  StudyCheck result;
  result.points = points.size();
  result.base = models.front();
  const auto& space = experiment.study.space;
  result.smallest = checker.check(
      combinedPoint(space, points.front().params, extremeChoices(points, models, false)));
  result.largest = checker.check(
      combinedPoint(space, points.front().params, extremeChoices(points, models, true)));
  for (const auto& probed : models) {
    if (probed.model.parameters < result.smallest.model.parameters) result.smallest = probed;
    if (probed.model.parameters > result.largest.model.parameters) result.largest = probed;
  }
  return result;
}

}  // namespace tunelab
