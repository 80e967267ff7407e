// Keras' OrthogonalRegularizer and its gradient.
#include <Eigen/Core>
#include <cmath>

#include "core/Regularizer.h"

namespace tunelab {

namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Keras' backend.epsilon(): the floor of a norm in ops.normalize.
constexpr double kEpsilon = 1e-7;

// The vectors to make orthogonal, one per row: the weight's rows, or its columns.
Eigen::MatrixXd vectorsOf(ConstMatrixView w, bool columns) {
  const Eigen::Map<const RowMajor, 0, Eigen::OuterStride<>> m(
      w.data, static_cast<Eigen::Index>(w.rows), static_cast<Eigen::Index>(w.cols),
      Eigen::OuterStride<>(static_cast<Eigen::Index>(w.stride)));
  Eigen::MatrixXd v = m.cast<double>();
  if (columns) v.transposeInPlace();
  return v;
}

Eigen::VectorXd normsOf(const Eigen::MatrixXd& v) { return v.rowwise().norm().cwiseMax(kEpsilon); }

// Cosines between distinct vectors (zero diagonal).
Eigen::MatrixXd offDiagonalCosines(const Eigen::MatrixXd& unit) {
  Eigen::MatrixXd g = unit * unit.transpose();
  g.diagonal().setZero();
  return g;
}

double pairCount(Eigen::Index n) {
  return static_cast<double>(n) * (static_cast<double>(n) - 1.0) / 2.0;
}

}  // namespace

double Regularizer::orthogonalPenalty(ConstMatrixView weights) const {
  const Eigen::MatrixXd v = vectorsOf(weights, orthogonal->columns);
  if (v.rows() < 2) return 0.0;  // no pair to keep apart (Keras divides 0 by 0 pairs)
  const Eigen::MatrixXd unit = normsOf(v).cwiseInverse().asDiagonal() * v;
  // Keras: factor * 0.5 * sum |cos_ij| over i != j / pairs: the mean |cosine| of a pair.
  return orthogonal->factor * 0.5 * offDiagonalCosines(unit).cwiseAbs().sum() / pairCount(v.rows());
}

void Regularizer::addOrthogonalGradient(ConstMatrixView weights, MatrixView grads) const {
  const Eigen::MatrixXd v = vectorsOf(weights, orthogonal->columns);
  if (v.rows() < 2) return;
  const Eigen::VectorXd norms = normsOf(v);
  const Eigen::MatrixXd unit = norms.cwiseInverse().asDiagonal() * v;
  const Eigen::MatrixXd signs = offDiagonalCosines(unit).unaryExpr(
      [](double x) { return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : 0.0); });
  // d/d(unit) of the penalty; then through unit = v / max(|v|, eps).
  const Eigen::MatrixXd dUnit = (orthogonal->factor / pairCount(v.rows())) * signs * unit;
  Eigen::MatrixXd dV(v.rows(), v.cols());
  for (Eigen::Index i = 0; i < v.rows(); ++i) {
    const bool floored = v.row(i).norm() <= kEpsilon;
    const double along = floored ? 0.0 : unit.row(i).dot(dUnit.row(i));
    dV.row(i) = (dUnit.row(i) - along * unit.row(i)) / norms(i);
  }
  if (orthogonal->columns) dV.transposeInPlace();
  for (std::size_t r = 0; r < grads.rows; ++r) {
    for (std::size_t c = 0; c < grads.cols; ++c) {
      grads(r, c) +=
          static_cast<float>(dV(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)));
    }
  }
}

}  // namespace tunelab
