#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/Matrix.h"
#include "core/Rng.h"

namespace tunelab::testing {

/// The shape of a product C (m x n) = A (m x k) B (k x n).
struct Product {
  std::size_t m, n, k;
};

/// A matrix of uniform values in [-1, 1) whose rows are `pad` floats wider than its columns,
/// with NaN in the padding: a backend that reads or writes outside the view, or assumes
/// contiguous rows, shows up as a NaN or as changed padding.
struct StridedMatrix {
  StridedMatrix(std::size_t rows, std::size_t cols, Rng& rng, std::size_t pad = 3);

  ConstMatrixView view() const { return {data.data(), rows, cols, stride}; }
  MatrixView mutableView() { return {data.data(), rows, cols, stride}; }
  float at(std::size_t row, std::size_t col) const { return data[row * stride + col]; }
  /// Sets every element, padding included, to NaN (an output the op must not read).
  void fillNaN();

  std::size_t rows;
  std::size_t cols;
  std::size_t stride;
  std::vector<float> data;
};

/// Expects every element of `got` within `tolerance * (1 + |want|)` of `want`, naming `what`
/// and the first element that is not.
void expectNear(const StridedMatrix& got, const StridedMatrix& want, float tolerance,
                const std::string& what);

/// True when both hold the same floats bit for bit (NaN padding included).
bool sameBits(std::span<const float> a, std::span<const float> b);

/// The tolerance of a float32 sum of k products against the double-accumulated reference:
/// about k * eps * sum |a||b|.
float productTolerance(std::size_t k);

}  // namespace tunelab::testing
