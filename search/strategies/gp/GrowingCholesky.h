#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <span>

namespace tunelab {

/// The lower Cholesky factor L of a symmetric positive-definite matrix that grows by one row
/// and column at a time (O(n^2) per row) and can drop its trailing rows: a GP's kernel matrix
/// as observations arrive. Row i is computed from rows 0 .. i-1 only, in a fixed order of
/// operations, and the storage's layout depends on the size only, so a factor grown row by
/// row over many calls is bit-identical to one built in one go (a resumed study asks exactly
/// what an uninterrupted one asks).
class GrowingCholesky {
 public:
  std::size_t size() const { return n_; }
  /// Keeps the leading `n` rows (the factor of the leading n x n block).
  void truncate(std::size_t n);
  /// Appends the row of a new point: `covariances` with the n points already held and its
  /// own `variance` (the diagonal entry). Returns false and leaves the factor as it was when
  /// the matrix would not be positive definite.
  bool append(std::span<const double> covariances, double variance);
  /// Solves L X = B in place (B has size() rows).
  void solveLower(const Eigen::Ref<Eigen::MatrixXd>& b) const;
  /// Solves L^T x = b in place.
  void solveUpper(const Eigen::Ref<Eigen::VectorXd>& b) const;
  /// L(i, j), j <= i.
  double at(std::size_t i, std::size_t j) const { return storage_[i * stride_ + j]; }

 private:
  // L^T as a column-major view: column i of the view is row i of L.
  Eigen::Map<const Eigen::MatrixXd, Eigen::Unaligned, Eigen::OuterStride<>> upperView() const;
  void relayout(std::size_t stride);

  Eigen::VectorXd storage_;  // row i of L at storage_[i * stride_], aligned by Eigen
  std::size_t stride_ = 0;
  std::size_t n_ = 0;
};

}  // namespace tunelab
