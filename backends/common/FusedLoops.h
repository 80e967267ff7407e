#pragma once

#include <span>

#include "core/Matrix.h"

namespace tunelab {

/// out[j] = sum_i m(i, j), each column summed in row order, blocks of columns at a time.
void sumColumns(ConstMatrixView m, std::span<float> out);

}  // namespace tunelab
