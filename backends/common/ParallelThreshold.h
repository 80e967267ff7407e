#pragma once

#include <cstddef>

namespace tunelab {

/// Products below this many floating-point operations run on one thread: waking a second
/// thread costs more than it saves (oneDNN with two threads is ~3x slower on the tiniest
/// shapes; every product of the MAGIC model is below it, Fashion-MNIST's are above but for
/// the 256->10 output layer's).
inline constexpr double kParallelGemmFlops = 4e6;

/// Adam steps over fewer parameters than this stay on one thread.
inline constexpr std::size_t kParallelAdamSize = std::size_t{1} << 16;

}  // namespace tunelab
