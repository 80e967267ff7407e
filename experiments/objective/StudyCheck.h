#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>

#include "core/data/PrepareData.h"
#include "experiments/config/ExperimentSpec.h"
#include "experiments/objective/TrainingCheck.h"

namespace tunelab {

class PluginHost;

/// The model of one point of the space.
struct ProbedModel {
  nlohmann::json params;
  ModelCheck model;
};

/// What checking a study before its first trial found.
struct StudyCheck {
  std::size_t points = 0;  // points of the space checked
  ProbedModel base;        // the centre of the space
  ProbedModel smallest;    // the fewest parameters: each parameter's smallest choice combined
  ProbedModel largest;     // the most
};

/// Checks the built-in model of `experiment` at every probe point as a trial on `data` would
/// build it (checkTraining), and that search.metric is a value its training records; then
/// combines each parameter's value that gave the fewest (most) parameters into the smallest
/// (largest) model, and checks those too. Throws ConfigError keyed where the mistake is
/// written (a parameter's value when one causes it).
StudyCheck checkStudy(const ExperimentSpec& experiment, const PreparedData& data,
                      const PluginHost& plugins);

}  // namespace tunelab
