#pragma once

#include "core/Export.h"

namespace tunelab {

/// CPU seconds the calling thread has used so far, user and system (getrusage RUSAGE_THREAD):
/// what a helper thread costs beside the trials (MPI's communication threads, the live report).
TUNELAB_API double threadCpuSeconds();

}  // namespace tunelab
