#include "experiments/study/ThreadBudget.h"

#include <algorithm>

namespace tunelab {

int threadsAvailablePerTrial(const StudySpec& spec, int cores) {
  cores = std::max(1, cores);
  return spec.execution.parallelTrials > 0 ? std::max(1, cores / spec.execution.parallelTrials)
                                           : cores;
}

ThreadBudget chooseThreadBudget(const StudySpec& spec, int autoThreads, int cores) {
  ThreadBudget budget;
  cores = std::max(1, cores);
  budget.threadsPerTrial = spec.execution.threadsPerTrial > 0
                               ? spec.execution.threadsPerTrial
                               : std::clamp(autoThreads, 1, threadsAvailablePerTrial(spec, cores));
  budget.threadsPerTrial = std::min(budget.threadsPerTrial, cores);
  budget.parallelTrials = spec.execution.parallelTrials > 0
                              ? spec.execution.parallelTrials
                              : std::max(1, cores / budget.threadsPerTrial);
  return budget;
}

}  // namespace tunelab
