#pragma once

#include <string>

#include "experiments/objective/Objective.h"

namespace tunelab {

/// An executor rank: says hello to rank 0 (its capacity and host, or `error`), runs the trials
/// rank 0 sends on a LocalExecutor, `threadsPerTrial` threads each, and relays their events
/// until rank 0 ends the study. Returns the rank's exit code.
int serveTrials(const Objective* objective, int parallelTrials, int threadsPerTrial,
                const std::string& host, const std::string& error);

}  // namespace tunelab
