#pragma once

#include <cstddef>
#include <string>

#include "core/data/Dataset.h"
#include "experiments/config/TrainingSpec.h"

namespace tunelab {

class PluginHost;

/// How long a step timing runs: epochs of a few batches, the first (warming caches and
/// primitives up) not counted. The default takes a few milliseconds for small models and a
/// fraction of a second for large ones.
struct StepWindow {
  std::size_t stepsPerEpoch = 3;
  int epochs = 6;
};

/// Seconds one training step of the model `spec` describes takes on `backend` with `threads`
/// threads: `window`'s epochs over the first batches of `train`, the median epoch divided by
/// its steps. Throws ConfigError as trainModel does.
double secondsPerStep(const TrainingSpec& spec, const PluginHost& plugins, const Dataset& train,
                      const std::string& backend, int threads, StepWindow window = {});

}  // namespace tunelab
