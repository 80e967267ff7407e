#pragma once

#include <cstddef>
#include <span>

#include "core/Rng.h"

namespace tunelab {

/// Keras' orthogonal initializer for a rows x cols row-major matrix: the Q of the QR
/// decomposition of a standard normal matrix, its columns' signs fixed by R's diagonal (so the
/// result is uniformly distributed), transposed when rows < cols, times `gain`. Columns are
/// orthonormal when rows >= cols, rows otherwise.
void fillOrthogonal(std::span<float> values, std::size_t rows, std::size_t cols, double gain,
                    Rng& rng);

}  // namespace tunelab
