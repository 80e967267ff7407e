#include "experiments/config/ExperimentSpec.h"

#include <map>

#include "core/Error.h"
#include "core/Options.h"
#include "experiments/config/ExperimentName.h"
#include "experiments/config/ParameterBinding.h"

namespace tunelab {

namespace {

// The top-level keys, checked for typos; returns the experiment's name.
std::string checkTopLevel(const nlohmann::json& root) {
  Options top(root, "an experiment file");
  std::string name = experimentName(root);
  top.raw("name");
  top.string("description", "");
  for (const char* section : {"data", "model", "train", "search", "execution", "objective"}) {
    top.raw(section);
  }
  top.finish();
  return name;
}

// An objective command trains its own model: the built-in model's sections do not apply.
CommandSpec parseObjective(const nlohmann::json& root) {
  for (const char* section : {"data", "model", "train"}) {
    if (root.contains(section)) {
      throw ConfigError(section, "an experiment with an objective command has no " +
                                     std::string(section) +
                                     " section: the command trains its own model");
    }
  }
  if (root.contains("execution") && root.at("execution").contains("backend")) {
    throw ConfigError("execution.backend",
                      "chooses the compute backend of the built-in model; an objective "
                      "command chooses its own");
  }
  return withKeyPrefix("objective", [&] { return parseCommandSpec(root.at("objective")); });
}

// Every $name in data, model and train must be a search parameter and every parameter must be
// used; the data section cannot use any (it is loaded once for all trials).
void checkParameterReferences(const nlohmann::json& root, const SearchSpace& space) {
  std::map<std::string, nlohmann::json> all;
  for (const auto& p : space.parameters()) all[p.name] = nullptr;
  bindExperiment(root, all, true);
  if (root.contains("data")) {
    try {
      bindParameters(root.at("data"), "data", {});
    } catch (const ConfigError& e) {
      throw ConfigError(e.keyPath(),
                        "the data section cannot use search parameters (it is "
                        "loaded once for all trials)");
    }
  }
}

// The training of every probe point, so that the sections are sound wherever the search goes;
// the base point's is the probe.
void checkTrainings(ExperimentSpec& spec) {
  for (const auto& point : spec.probePoints) {
    try {
      TrainingSpec training = spec.training(point.params);
      if (!spec.probe) spec.probe = std::move(training);
    } catch (const ConfigError& e) {
      throw blameParameter(e, point, spec.root);
    }
  }
}

}  // namespace

nlohmann::json ExperimentSpec::bind(const nlohmann::json& params) const {
  std::map<std::string, nlohmann::json> values;
  for (const auto& p : study.space.parameters()) values[p.name] = inactiveParameter();
  for (const auto& [parameter, value] : params.items()) values[parameter] = value;
  return bindExperiment(root, values, false);
}

TrainingSpec ExperimentSpec::training(const nlohmann::json& params) const {
  return parseTrainingSpec(bind(params));
}

std::string resultFingerprint(nlohmann::json root) {
  if (root.contains("execution") && root["execution"].is_object()) {
    auto& execution = root["execution"];
    for (const auto& key : executionOnlyKeys()) execution.erase(key);
    // auto is the default: writing it or not is the same study (the store keeps the pick).
    if (execution.contains("backend") && execution["backend"] == kAutoBackend) {
      execution.erase("backend");
    }
  }
  if (root.contains("search") && root["search"].is_object()) root["search"].erase("max_trials");
  root.erase("description");
  return root.dump();
}

ExperimentSpec parseExperiment(const YamlDocument& document) {
  ExperimentSpec spec;
  spec.root = document.root();
  spec.name = checkTopLevel(spec.root);
  spec.study = parseStudySpec(spec.root, document.keysInFileOrder("search.parameters"));
  if (spec.root.contains("objective")) {
    spec.command = parseObjective(spec.root);
    return spec;
  }
  checkParameterReferences(spec.root, spec.study.space);
  spec.probePoints = probePoints(spec.study.space);
  checkTrainings(spec);
  spec.study.trainEpochs = spec.probe->fit.epochs;
  spec.study.epochsKnown = true;
  return spec;
}

SingleTraining parseSingleTraining(const YamlDocument& document) {
  SingleTraining single;
  single.name = checkTopLevel(document.root());
  single.bound = bindExperiment(document.root(), fixedParameterValues(document.root()), true);
  single.training = parseTrainingSpec(single.bound);
  const auto& execution =
      single.bound.contains("execution") ? single.bound.at("execution") : nlohmann::json();
  single.execution = withKeyPrefix("execution", [&] { return parseExecutionSpec(execution); });
  return single;
}

}  // namespace tunelab
