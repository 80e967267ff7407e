#include "backends/common/ParallelBlocks.h"

#include <dlfcn.h>
#include <omp.h>

namespace tunelab {

void runOnThreads(int threads, int blocks, void (*body)(void* context, int block, int slot),
                  void* context) {
  // OpenMP may give fewer threads than asked (OMP_THREAD_LIMIT, OMP_DYNAMIC, nesting): the
  // team then shares out every block, so none is skipped.
#pragma omp parallel num_threads(threads)
  {
    for (int block = omp_get_thread_num(); block < blocks; block += omp_get_num_threads()) {
      body(context, block, omp_get_thread_num());
    }
  }
}

void keepOpenMpLoaded() {
  // RTLD_NOLOAD: only the copy already loaded (with this plugin) is marked, nothing is loaded.
  dlopen("libgomp.so.1", RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
}

}  // namespace tunelab
