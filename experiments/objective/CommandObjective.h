#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "experiments/config/CommandSpec.h"
#include "experiments/objective/ChildProcess.h"
#include "experiments/objective/Objective.h"
#include "experiments/objective/ObjectiveLine.h"
#include "search/SearchSpace.h"

namespace tunelab {

/// Runs one program per trial: `$name` in the arguments becomes the trial's value of parameter
/// `name` ($trial_id, $seed, $threads and $budget are tunelab's own). Every JSON object the
/// program prints on its own stdout line and that holds the metric is an epoch (for curves,
/// pruning and the median rule); the last JSON line is the trial's result. A non-zero exit,
/// a signal or the time limit fails the trial with the tail of its stderr.
class CommandObjective : public Objective {
 public:
  /// Throws ConfigError (keyed "objective.command[i]" or "search.parameters.<name>") for a
  /// reference to an unknown parameter or a parameter the command never uses.
  CommandObjective(CommandSpec spec, const SearchSpace& space, std::string metric);

  TrialRun run(const TrialSpec& trial, const TrialContext& context,
               const TrialEpochCallback& onEpoch) const override;
  bool resumesFromCheckpoints() const override { return false; }

  /// The argument list of a trial.
  std::vector<std::string> arguments(const TrialSpec& trial, const TrialContext& context) const;

 private:
  // What a trial's program printed that decides its result.
  struct PrintedLines {
    ObjectiveLine last;         // the last JSON object line (Text: none)
    std::string lastText;       // that line, shortened for a message
    std::string lastNotObject;  // the last line that is JSON but no object
  };

  ChildCommand childCommand(const TrialSpec& trial, const TrialContext& context) const;
  void settle(const ChildExit& exit, const std::string& program, const PrintedLines& printed,
              TrialRun& run) const;
  std::optional<std::string> resultProblem(const std::string& program,
                                           const PrintedLines& printed) const;

  CommandSpec spec_;
  std::string metric_;
  std::set<std::string> referenced_;
};

}  // namespace tunelab
