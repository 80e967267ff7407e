#pragma once

#include <span>

#include "core/Matrix.h"

namespace tunelab {

/// y(i, :) += bias, row by row (vectorised by the compiler).
void addBias(std::span<const float> bias, MatrixView y);

/// out[j] = sum_i m(i, j), accumulated row by row so the inner loop is contiguous.
void sumColumns(ConstMatrixView m, std::span<float> out);

}  // namespace tunelab
