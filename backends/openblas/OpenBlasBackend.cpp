#include "backends/openblas/OpenBlasBackend.h"

#include <cblas.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cstdlib>
#include <string>

#include "backends/common/FusedLoops.h"
#include "backends/common/GemmBlocks.h"
#include "backends/common/OuterProduct.h"
#include "backends/common/ParallelBlocks.h"

namespace tunelab {

namespace {

// The cores whose OpenBLAS (0.3.17 and later) has "small matrix" kernels, which multiply small
// operands in place, without packing them. A build for one core names it in capitals.
bool hasSmallMatrixKernels(std::string core) {
  std::transform(core.begin(), core.end(), core.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return core == "skylakex" || core == "cooperlake" || core == "sapphirerapids";
}

}  // namespace

// OpenBLAS's small kernels take m n k up to 100^3 (sgemm_small_kernel_permit, SkylakeX). A
// row-major A * B^T becomes their column-major A^T B, which they take only for a C of at most
// 1,200 values with k >= 32, and run at half the speed of A * B; otherwise OpenBLAS packs both
// operands. Transposing B and multiplying A * B is faster from 16 rows of A up (32 x 64 x 64:
// 3.4 us direct, 0.3 + 1.6 us; 32 x 32 x 32: 1.18 us, 0.07 + 0.46 us); below that the
// transpose costs more than it saves (1 x 64 x 64: 0.19 us, 0.29 + 0.11 us).
bool transposeFirst(bool smallKernels, std::size_t m, std::size_t n, std::size_t k) {
  constexpr double kSmallVolume = 1e6;
  constexpr std::size_t kFewestRows = 16;
  const double volume = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  return smallKernels && m >= kFewestRows && volume > 0 && volume <= kSmallVolume;
}

OpenBlasBackend::OpenBlasBackend()
    : OpenBlasBackend(hasSmallMatrixKernels(openblas_get_corename())) {}

OpenBlasBackend::OpenBlasBackend(bool smallMatrixKernels)
    : smallMatrixKernels_(smallMatrixKernels) {
  openblas_set_num_threads(1);
}

void OpenBlasBackend::setThreads(int threads) { threads_ = std::max(1, threads); }

std::string OpenBlasBackend::description() const { return describeOpenBlas(); }

std::string describeOpenBlas() {
  const std::string core = openblas_get_corename();
  std::string text = std::string("OpenBLAS (") + openblas_get_config() + "), core " + core;
  const char* chosen = std::getenv("OPENBLAS_CORETYPE");
  if (chosen != nullptr) text += " (OPENBLAS_CORETYPE=" + std::string(chosen) + ")";
  text +=
      "; OpenBLAS on one thread, large products cut into blocks by shape (not by thread count) "
      "shared among tunelab's threads";
  // Kernels older than Haswell leave AVX2/AVX-512 units idle on CPUs that have them.
  const bool oldKernel = core == "Prescott" || core == "Core2" || core == "Penryn" ||
                         core == "Dunnington" || core == "Nehalem" || core == "Atom" ||
                         core == "Sandybridge" || core == "Katmai" || core == "Banias";
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") != 0;
  const bool avx2 = __builtin_cpu_supports("avx2") != 0;
  if (oldKernel && (avx512 || avx2)) {
    const std::string better = avx512 ? "SkylakeX" : "Haswell";
    text += "\nwarning: OpenBLAS runs " + core + " kernels, but this CPU has " +
            (avx512 ? "AVX-512" : "AVX2") + ": ";
    text += chosen != nullptr
                ? "OPENBLAS_CORETYPE=" + std::string(chosen) + " chose them; set it to " + better +
                      " (or unset it) "
                : "this OpenBLAS does not recognise the CPU; set OPENBLAS_CORETYPE=" + better + " ";
    text +=
        "before starting tunelab for 4-5x faster GEMM (tunelab never sets it for you: a "
        "wrong core type can crash older OpenBLAS builds)";
  }
  return text;
}

namespace {

void sgemm(const GemmArgs& g, int /*slot*/) {
  const auto m = static_cast<blasint>(g.c.rows);
  const auto n = static_cast<blasint>(g.c.cols);
  const auto k = static_cast<blasint>(g.k());
  assert((g.tb == Transpose::No ? g.b.rows : g.b.cols) == g.k());
  if (m == 0 || n == 0) return;
  cblas_sgemm(CblasRowMajor, g.ta == Transpose::No ? CblasNoTrans : CblasTrans,
              g.tb == Transpose::No ? CblasNoTrans : CblasTrans, m, n, k, g.alpha, g.a.data,
              static_cast<blasint>(g.a.stride), g.b.data, static_cast<blasint>(g.b.stride), g.beta,
              g.c.data, static_cast<blasint>(g.c.stride));
}

}  // namespace

// A row-major A * B^T (the gradient of a dense layer's input) goes as a transpose of B and
// A * B where that reaches OpenBLAS's small kernels and the direct call does not (see
// transposeFirst). The choice depends on the shape and the core type only, so every run
// computes the same bits; they may differ in the last place from the packed kernel's.
void OpenBlasBackend::gemm(Transpose ta, Transpose tb, float alpha, ConstMatrixView a,
                           ConstMatrixView b, float beta, MatrixView c) {
  if (multiplyOuter({ta, tb, alpha, a, b, beta, c, {}})) return;
  if (ta == Transpose::No && tb == Transpose::Yes &&
      transposeFirst(smallMatrixKernels_, c.rows, c.cols, b.cols)) {
    transposedB_.resize(b.rows * b.cols);
    cblas_somatcopy(CblasRowMajor, CblasTrans, static_cast<blasint>(b.rows),
                    static_cast<blasint>(b.cols), 1.0F, b.data, static_cast<blasint>(b.stride),
                    transposedB_.data(), static_cast<blasint>(b.rows));
    b = ConstMatrixView(transposedB_.data(), b.cols, b.rows);
    tb = Transpose::No;
  }
  gemmInBlocks(threads_, {ta, tb, alpha, a, b, beta, c, {}}, sgemm);
}

void OpenBlasBackend::adamUpdate(std::span<float> params, std::span<const float> grads,
                                 std::span<float> m, std::span<float> v, const AdamStep& step) {
  adamUpdateOnThreads(threads_, params, grads, m, v, step);
}

void OpenBlasBackend::denseForward(ConstMatrixView x, ConstMatrixView w,
                                   std::span<const float> bias, Activation act, MatrixView y) {
  gemm(Transpose::No, Transpose::No, 1.0F, x, w, 0.0F, y);
  addBiasAndActivate(act, bias, y);
}

void OpenBlasBackend::activationBackward(Activation act, ConstMatrixView x, ConstMatrixView y,
                                         ConstMatrixView dy, MatrixView dx) {
  activationGradient(act, x, y, dy, dx);
}

void OpenBlasBackend::columnSums(ConstMatrixView m, std::span<float> out) { sumColumns(m, out); }

}  // namespace tunelab
