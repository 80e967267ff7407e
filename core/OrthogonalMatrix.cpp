#include "core/OrthogonalMatrix.h"

#include <Eigen/QR>
#include <algorithm>

namespace tunelab {

void fillOrthogonal(std::span<float> values, std::size_t rows, std::size_t cols, double gain,
                    Rng& rng) {
  const auto tall = static_cast<Eigen::Index>(std::max(rows, cols));
  const auto narrow = static_cast<Eigen::Index>(std::min(rows, cols));
  Eigen::MatrixXd a(tall, narrow);
  for (Eigen::Index r = 0; r < tall; ++r) {
    for (Eigen::Index c = 0; c < narrow; ++c) a(r, c) = rng.normal();
  }
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(tall, narrow);
  for (Eigen::Index c = 0; c < narrow; ++c) {
    if (qr.matrixQR()(c, c) < 0.0) q.col(c) *= -1.0;
  }
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      const double v = rows >= cols ? q(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c))
                                    : q(static_cast<Eigen::Index>(c), static_cast<Eigen::Index>(r));
      values[r * cols + c] = static_cast<float>(gain * v);
    }
  }
}

}  // namespace tunelab
