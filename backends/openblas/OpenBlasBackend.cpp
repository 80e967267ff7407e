#include "backends/openblas/OpenBlasBackend.h"

#include <cblas.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <string>

#include "backends/common/FusedLoops.h"
#include "backends/common/GemmBlocks.h"
#include "backends/common/ParallelBlocks.h"

namespace tunelab {

namespace {

// The cores whose OpenBLAS has "small matrix" kernels that multiply small operands in place.
bool hasSmallMatrixKernels(const std::string& core) {
  return core == "SkylakeX" || core == "Cooperlake" || core == "SapphireRapids";
}

// Up to this m x n x k, a row-major A * B^T is faster as a transpose of B and A * B.
constexpr double kTransposeFirstVolume = 1 << 20;

}  // namespace

OpenBlasBackend::OpenBlasBackend()
    : smallKernelsTakeNoTranspose_(hasSmallMatrixKernels(openblas_get_corename())) {
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

// A row-major A * B^T (the gradient of a dense layer's input) does not reach OpenBLAS's small
// kernels: it packs both operands first and takes about twice as long, at 32 x 64 x 64, as
// transposing B and multiplying A * B (bench/RESULTS.md). The two gave the same bits on every
// shape measured (both sum each element over k in order); the conformance suite holds either
// path to the reference.
void OpenBlasBackend::gemm(Transpose ta, Transpose tb, float alpha, ConstMatrixView a,
                           ConstMatrixView b, float beta, MatrixView c) {
  const double volume = double(c.rows) * double(c.cols) * double(b.cols);
  if (ta == Transpose::No && tb == Transpose::Yes && smallKernelsTakeNoTranspose_ &&
      volume <= kTransposeFirstVolume && b.rows > 0 && b.cols > 0) {
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
