#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "experiments/objective/Objective.h"

namespace tunelab {

/// A function the caller hands in: the trial's parameters in, the metric's value out. An
/// exception it throws fails the trial with its message (std::exception::what()).
using ObjectiveFunction = std::function<double(const nlohmann::json& params)>;

/// Scores each trial by calling a function in this process (the Python module's
/// tunelab.optimize hands it a Python callable). The trial's one epoch holds the value under the
/// study's metric, so curves, the store and export treat it as a command's last JSON line.
/// Thread-safe when the function is: trials call it from several workers at once.
class FunctionObjective : public Objective {
 public:
  FunctionObjective(ObjectiveFunction function, std::string metric);

  TrialRun run(const TrialSpec& trial, const TrialContext& context,
               const TrialEpochCallback& onEpoch) const override;
  bool resumesFromCheckpoints() const override { return false; }

 private:
  ObjectiveFunction function_;
  std::string metric_;
};

}  // namespace tunelab
