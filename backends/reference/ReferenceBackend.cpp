#include "backends/reference/ReferenceBackend.h"

#include <algorithm>
#include <cassert>
#include <vector>

namespace tunelab {

ReferenceBackend::ReferenceBackend() = default;
ReferenceBackend::~ReferenceBackend() = default;

void ReferenceBackend::setThreads(int /*threads*/) {}

std::string ReferenceBackend::description() const {
  return "plain loops with double accumulation, one thread: the oracle, not built for speed";
}

namespace {

// op(m) copied into a contiguous row-major matrix, so the product below is one plain loop nest.
std::vector<float> materialize(ConstMatrixView m, Transpose t) {
  const std::size_t rows = t == Transpose::No ? m.rows : m.cols;
  const std::size_t cols = t == Transpose::No ? m.cols : m.rows;
  std::vector<float> out(rows * cols);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c)
      out[r * cols + c] = t == Transpose::No ? m(r, c) : m(c, r);
  }
  return out;
}

}  // namespace

void ReferenceBackend::gemm(Transpose ta, Transpose tb, float alpha, ConstMatrixView a,
                            ConstMatrixView b, float beta, MatrixView c) {
  const std::size_t k = ta == Transpose::No ? a.cols : a.rows;
  assert((ta == Transpose::No ? a.rows : a.cols) == c.rows);
  assert((tb == Transpose::No ? b.rows : b.cols) == k);
  assert((tb == Transpose::No ? b.cols : b.rows) == c.cols);
  const std::vector<float> opA = materialize(a, ta);
  const std::vector<float> opB = materialize(b, tb);
  // Accumulating in double makes this the accurate oracle the other backends are held to.
  std::vector<double> sum(c.cols);
  for (std::size_t i = 0; i < c.rows; ++i) {
    std::fill(sum.begin(), sum.end(), 0.0);
    for (std::size_t p = 0; p < k; ++p) {
      const double aip = opA[i * k + p];
      const float* bRow = opB.data() + p * c.cols;
      for (std::size_t j = 0; j < c.cols; ++j) sum[j] += aip * static_cast<double>(bRow[j]);
    }
    for (std::size_t j = 0; j < c.cols; ++j) {
      const float scaled = alpha * static_cast<float>(sum[j]);
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
