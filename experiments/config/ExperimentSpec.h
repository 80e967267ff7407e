#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "experiments/config/CommandSpec.h"
#include "experiments/config/ExecutionSpec.h"
#include "experiments/config/ProbePoints.h"
#include "experiments/config/StudySpec.h"
#include "experiments/config/TrainingSpec.h"
#include "experiments/config/YamlDocument.h"

namespace tunelab {

/// An experiment file parsed once and checked before anything runs: the study (search and
/// execution), and either a program to tune (`objective.command`) or the built-in model, whose
/// data, model and train sections become one TrainingSpec per trial once its parameters are
/// bound.
struct ExperimentSpec {
  std::string name;
  StudySpec study;
  std::optional<CommandSpec> command;
  nlohmann::json root;                  // the file as parsed, --set applied
  std::optional<TrainingSpec> probe;    // built-in model: the base point's training (data, epochs)
  std::vector<ProbePoint> probePoints;  // built-in model: the points checked before any trial

  /// The experiment with a trial's parameters bound; a parameter inactive in the trial removes
  /// the key (or list item) it fills. Throws ConfigError keyed by the path in the file.
  nlohmann::json bind(const nlohmann::json& params) const;
  /// The training of a trial of the built-in model. Throws ConfigError keyed as above.
  TrainingSpec training(const nlohmann::json& params) const;
};

/// Parses and checks a study's experiment file: every section and key, the objective or the
/// model, the $parameter references, and the data, model and train sections at every probe
/// point. Throws ConfigError keyed by the path in the file (a parameter's value where the
/// mistake comes from one).
ExperimentSpec parseExperiment(const YamlDocument& document);

/// The experiment without what does not change a study's results (how it executes, its trial
/// budget, its description): a stored study resumes only under the same fingerprint.
std::string resultFingerprint(nlohmann::json root);

/// The one model `tunelab train` trains: every $parameter at its single value.
struct SingleTraining {
  std::string name;
  TrainingSpec training;
  ExecutionSpec execution;
  nlohmann::json bound;  // the experiment with every parameter bound (saved with the model)
};

/// Throws ConfigError keyed by the path in the file.
SingleTraining parseSingleTraining(const YamlDocument& document);

}  // namespace tunelab
