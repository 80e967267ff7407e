#pragma once

#include <string>

#include "core/data/Dataset.h"
#include "experiments/config/TrainingSpec.h"

namespace tunelab {

class PluginHost;

/// Seconds one training step of the model `spec` describes takes on `backend` with `threads`
/// threads: a few short epochs of a few batches of `train` (the first, warming up, not counted),
/// the median epoch divided by its steps. Takes a few milliseconds for small models and a
/// fraction of a second for large ones. Throws ConfigError as trainModel does.
double secondsPerStep(const TrainingSpec& spec, const PluginHost& plugins, const Dataset& train,
                      const std::string& backend, int threads);

}  // namespace tunelab
