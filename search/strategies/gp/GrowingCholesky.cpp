#include "search/strategies/gp/GrowingCholesky.h"

#include <algorithm>
#include <cmath>

namespace tunelab {

namespace {

// Rows start on 64-byte boundaries and the stride is a function of the size alone, so Eigen's
// solves see the same layout however the factor grew.
constexpr std::size_t kStrideStep = 64;

std::size_t strideFor(std::size_t n) {
  return std::max<std::size_t>(1, (n + kStrideStep - 1) / kStrideStep) * kStrideStep;
}

// A dot product in a fixed order of operations (eight running sums, then combined), whatever
// the length or the alignment: the factor's rows must not depend on how they were computed.
double choleskyRowDot(const double* a, const double* b, std::size_t length) {
  double sums[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::size_t p = 0;
  for (; p + 8 <= length; p += 8) {
    for (std::size_t lane = 0; lane < 8; ++lane) sums[lane] += a[p + lane] * b[p + lane];
  }
  for (std::size_t lane = 0; p < length; ++p, ++lane) sums[lane] += a[p] * b[p];
  return ((sums[0] + sums[4]) + (sums[1] + sums[5])) + ((sums[2] + sums[6]) + (sums[3] + sums[7]));
}

}  // namespace

void GrowingCholesky::relayout(std::size_t stride) {
  Eigen::VectorXd moved = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(stride * stride));
  for (std::size_t i = 0; i < n_; ++i)
    std::copy_n(storage_.data() + i * stride_, i + 1, moved.data() + i * stride);
  storage_.swap(moved);
  stride_ = stride;
}

void GrowingCholesky::truncate(std::size_t n) {
  n_ = std::min(n, n_);
  if (strideFor(n_) != stride_) relayout(strideFor(n_));
}

bool GrowingCholesky::append(std::span<const double> covariances, double variance) {
  const std::size_t i = n_;
  if (strideFor(i + 1) != stride_) relayout(strideFor(i + 1));
  double* row = storage_.data() + i * stride_;
  // Forward substitution: L(i, j) = (K(i, j) - sum_{p<j} L(i, p) L(j, p)) / L(j, j).
  for (std::size_t j = 0; j < i; ++j) {
    const double* rowJ = storage_.data() + j * stride_;
    row[j] = (covariances[j] - choleskyRowDot(row, rowJ, j)) / rowJ[j];
  }
  const double pivot = variance - choleskyRowDot(row, row, i);
  if (!(pivot > 0.0) || !std::isfinite(pivot)) {
    if (strideFor(n_) != stride_) relayout(strideFor(n_));
    return false;
  }
  row[i] = std::sqrt(pivot);
  ++n_;
  return true;
}

Eigen::Map<const Eigen::MatrixXd, Eigen::Unaligned, Eigen::OuterStride<>>
GrowingCholesky::upperView() const {
  const auto n = static_cast<Eigen::Index>(n_);
  return {storage_.data(), n, n, Eigen::OuterStride<>(static_cast<Eigen::Index>(stride_))};
}

void GrowingCholesky::solveLower(const Eigen::Ref<Eigen::MatrixXd>& b) const {
  if (n_ == 0) return;
  upperView().transpose().triangularView<Eigen::Lower>().solveInPlace(b);
}

void GrowingCholesky::solveUpper(const Eigen::Ref<Eigen::VectorXd>& b) const {
  if (n_ == 0) return;
  upperView().triangularView<Eigen::Upper>().solveInPlace(b);
}

}  // namespace tunelab
