#include "backends/common/ParallelBlocks.h"

#include <omp.h>

#include <algorithm>

namespace tunelab {

void runOnThreads(int threads, void (*body)(void* context, int block), void* context) {
  // OpenMP may give fewer threads than asked (OMP_THREAD_LIMIT, OMP_DYNAMIC, nesting): the
  // team then shares out every block, so none is skipped.
#pragma omp parallel num_threads(threads)
  {
    for (int block = omp_get_thread_num(); block < threads; block += omp_get_num_threads()) {
      body(context, block);
    }
  }
}

int openMpThreadsFor(int wanted) {
  if (omp_get_active_level() >= omp_get_max_active_levels()) return 1;
  return std::max(1, std::min(wanted, omp_get_thread_limit()));
}

}  // namespace tunelab
