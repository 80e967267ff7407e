#include "backends/common/ParallelBlocks.h"

#include <omp.h>

namespace tunelab {

void runOnThreads(int threads, void (*body)(void* context, int thread), void* context) {
#pragma omp parallel num_threads(threads)
  {
    const int thread = omp_get_thread_num();
    if (thread < threads) body(context, thread);
  }
}

}  // namespace tunelab
