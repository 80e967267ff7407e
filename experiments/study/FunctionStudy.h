#pragma once

#include <atomic>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "experiments/objective/FunctionObjective.h"
#include "experiments/study/StudyRunner.h"

namespace tunelab {

/// A study whose objective is a function of this process rather than a model or a command:
/// `experiment` holds the search and execution sections only (YAML or JSON text, read as an
/// experiment file is), and is stored as the study's experiment, so `tunelab export`,
/// `status` and `best` read the study like any other.
struct FunctionStudyArguments {
  std::string experiment;
  std::string displayName;  // how messages name the text ("tunelab.optimize")
  std::vector<std::filesystem::path> pluginDirs;
  bool newStudy = false;  // discard a stored study at execution.storage
  bool quiet = true;      // no progress lines on `out`
};

/// Runs (or resumes) the study with `function` as every trial's objective, under the study's
/// lock, on the strategy its plugins provide. Throws Error with the message `tunelab run`
/// prints (a ConfigError already located in the text); StudyBusy when another process owns
/// the study. `stop` ends it cleanly, as SIGINT ends `tunelab run`.
RunSummary runFunctionStudy(const FunctionStudyArguments& args, const ObjectiveFunction& function,
                            std::ostream& out, const std::atomic<bool>& stop);

}  // namespace tunelab
