#include "experiments/study/ThreadBudget.h"

#include <algorithm>

namespace tunelab {

ThreadBudget chooseThreadBudget(const StudySpec& spec, std::size_t modelParameters, int cores) {
  ThreadBudget budget;
  cores = std::max(1, cores);
  // Below ~100k parameters a step is too short to share between threads.
  const int autoThreads = modelParameters >= 100'000 ? cores : 1;
  budget.threadsPerTrial =
      spec.execution.threadsPerTrial > 0 ? spec.execution.threadsPerTrial : autoThreads;
  budget.threadsPerTrial = std::min(budget.threadsPerTrial, cores);
  budget.parallelTrials = spec.execution.parallelTrials > 0
                              ? spec.execution.parallelTrials
                              : std::max(1, cores / budget.threadsPerTrial);
  return budget;
}

}  // namespace tunelab
