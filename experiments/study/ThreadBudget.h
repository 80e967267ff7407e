#pragma once

#include "experiments/config/StudySpec.h"

namespace tunelab {

/// Thread budget of a study: parallel trials x threads per trial <= cores.
struct ThreadBudget {
  int parallelTrials = 1;
  int threadsPerTrial = 1;
};

/// The most threads one trial may get with `threads_per_trial: auto`: the cores, shared among
/// the file's parallel_trials when it sets them.
int threadsAvailablePerTrial(const StudySpec& spec, int cores);

/// Resolves `auto` settings: threads per trial as the file says, else `autoThreads` (what the
/// start-up measurement found pays: 1 unless more threads make a step measurably faster);
/// parallel trials as the file says, else the cores left.
ThreadBudget chooseThreadBudget(const StudySpec& spec, int autoThreads, int cores);

}  // namespace tunelab
