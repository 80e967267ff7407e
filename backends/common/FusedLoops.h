#pragma once

#include <span>

#include "core/Matrix.h"

namespace tunelab {

/// out[j] = sum_i m(i, j), accumulated row by row so the inner loop is contiguous.
void sumColumns(ConstMatrixView m, std::span<float> out);

}  // namespace tunelab
