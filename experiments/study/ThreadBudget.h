#pragma once

#include <cstddef>

#include "experiments/config/StudySpec.h"

namespace tunelab {

/// Thread budget of a study: parallel trials x threads per trial <= cores.
struct ThreadBudget {
  int parallelTrials = 1;
  int threadsPerTrial = 1;
};

/// Resolves `auto` settings: small models train one per core on one thread each; a model
/// with many parameters gets several threads.
ThreadBudget chooseThreadBudget(const StudySpec& spec, std::size_t modelParameters, int cores);

}  // namespace tunelab
