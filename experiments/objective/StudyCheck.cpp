#include "experiments/objective/StudyCheck.h"

#include <algorithm>
#include <map>

#include "core/Error.h"

namespace tunelab {

namespace {

using Json = nlohmann::json;

// Where the file names the i-th objective: search.metric, search.metric[i], and ".name" after
// either when it is a mapping.
std::string objectivePlace(const nlohmann::json& metric, std::size_t i) {
  const std::string list = "search.metric";
  std::string place = list;
  const nlohmann::json* item = &metric;
  if (metric.is_array()) {
    place = list + "[" + std::to_string(i) + "]";
    item = &metric.at(i);
  }
  return item->is_object() ? place + ".name" : place;
}

// Every value search.metric names must be one that every trial records (or one tunelab
// derives from the trial itself).
void checkSearchMetric(const ExperimentSpec& experiment, const std::vector<std::string>& recorded) {
  const auto objectives = objectivesOf(experiment.study);
  for (std::size_t i = 0; i < objectives.size(); ++i) {
    const std::string& name = objectives[i].name;
    if (objectives[i].derived()) continue;
    if (std::find(recorded.begin(), recorded.end(), name) != recorded.end()) continue;
    std::string message = "'" + name + "' is not recorded by a trial";
    if (auto near = nearestName(name, recorded); !near.empty()) {
      message += " (did you mean '" + near + "'?)";
    }
    const auto& search = experiment.root.at("search");
    throw ConfigError(
        objectivePlace(search.value("metric", nlohmann::json()), i),
        message + "; each epoch records " + joinNames(recorded) +
            (objectives.size() > 1 ? ", and tunelab derives params and epoch_time" : ""));
  }
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
std::map<std::string, Json> extremeChoices(const std::vector<ProbePoint>& points,
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
  std::map<std::string, Json> choices;
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
