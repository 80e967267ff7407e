#include "experiments/objective/FunctionObjective.h"

#include <chrono>
#include <cmath>
#include <exception>
#include <sstream>

namespace tunelab {

namespace {

TrialRun failed(std::string why) {
  TrialRun run;
  run.ending = TrialRun::Ending::Failed;
  run.error = std::move(why);
  return run;
}

}  // namespace

FunctionObjective::FunctionObjective(ObjectiveFunction function, std::string metric)
    : function_(std::move(function)), metric_(std::move(metric)) {}

TrialRun FunctionObjective::run(const TrialSpec& trial, const TrialContext& /*context*/,
                                const TrialEpochCallback& onEpoch) const {
  if (trial.budget > 0) {
    return failed(
        "the search strategy gives each trial an epoch budget, which a function objective "
        "cannot take: use grid, random, gp or tpe");
  }
  const auto started = std::chrono::steady_clock::now();
  double value = 0;
  try {
    value = function_(trial.params);
  } catch (const std::exception& e) {
    return failed(e.what());
  }
  TrialRun run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!std::isfinite(value)) {
    std::ostringstream why;
    why << "the objective returned a non-finite " << metric_ << " (" << value << ")";
    run.ending = TrialRun::Ending::Failed;
    run.error = why.str();
    return run;
  }
  EpochRecord epoch;
  epoch.epoch = 1;
  epoch.seconds = run.seconds;
  epoch.values[metric_] = value;
  epoch.last = true;
  run.fit.history.push_back(epoch);
  run.fit.bestEpoch = 1;
  run.value = value;
  if (!onEpoch(epoch)) run.ending = TrialRun::Ending::Stopped;
  return run;
}

}  // namespace tunelab
