#include "backends/reference/ReferenceBackend.h"

#include <algorithm>
#include <cassert>

namespace tunelab {

ReferenceBackend::ReferenceBackend() = default;
ReferenceBackend::~ReferenceBackend() = default;

void ReferenceBackend::setThreads(int /*threads*/) {}

namespace {
float element(ConstMatrixView m, Transpose t, std::size_t r, std::size_t c) {
  return t == Transpose::No ? m(r, c) : m(c, r);
}
}  // namespace

void ReferenceBackend::gemm(Transpose ta, Transpose tb, float alpha, ConstMatrixView a,
                            ConstMatrixView b, float beta, MatrixView c) {
  const std::size_t k = ta == Transpose::No ? a.cols : a.rows;
  assert((ta == Transpose::No ? a.rows : a.cols) == c.rows);
  assert((tb == Transpose::No ? b.rows : b.cols) == k);
  assert((tb == Transpose::No ? b.cols : b.rows) == c.cols);
  for (std::size_t i = 0; i < c.rows; ++i) {
    for (std::size_t j = 0; j < c.cols; ++j) {
      double sum = 0.0;
      for (std::size_t p = 0; p < k; ++p) {
        sum += static_cast<double>(element(a, ta, i, p)) * element(b, tb, p, j);
      }
      const float scaled = alpha * static_cast<float>(sum);
      c(i, j) = beta == 0.0F ? scaled : scaled + beta * c(i, j);
    }
  }
}

void ReferenceBackend::denseForward(ConstMatrixView x, ConstMatrixView w,
                                    std::span<const float> bias, Activation act, MatrixView y) {
  gemm(Transpose::No, Transpose::No, 1.0F, x, w, 0.0F, y);
  if (!bias.empty()) {
    assert(bias.size() == y.cols);
    for (std::size_t i = 0; i < y.rows; ++i) {
      for (std::size_t j = 0; j < y.cols; ++j) y(i, j) += bias[j];
    }
  }
  applyActivation(act, y, y);
}

void ReferenceBackend::activationBackward(Activation act, ConstMatrixView x, ConstMatrixView y,
                                          ConstMatrixView dy, MatrixView dx) {
  activationGradient(act, x, y, dy, dx);
}

void ReferenceBackend::columnSums(ConstMatrixView m, std::span<float> out) {
  assert(out.size() == m.cols);
  for (std::size_t j = 0; j < m.cols; ++j) {
    double sum = 0.0;
    for (std::size_t i = 0; i < m.rows; ++i) sum += m(i, j);
    out[j] = static_cast<float>(sum);
  }
}

}  // namespace tunelab
