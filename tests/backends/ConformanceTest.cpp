// The bundled backends against the plugin kit's conformance suites (every op against the
// reference, odd shapes, strided views; 1, 2 and 3 threads bit for bit), what their descriptions
// say, and OpenBLAS under the core type a process asked for.
#include <cblas.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backends/onednn/OneDnnBackend.h"
#include "backends/openblas/OpenBlasBackend.h"
#include "backends/reference/ReferenceBackend.h"
#include "core/Rng.h"
#include "plugins/testing/BackendConformance.h"
#include "plugins/testing/BackendThreads.h"
#include "plugins/testing/StridedMatrix.h"

namespace tunelab {
namespace {

using testing::BackendCase;
using testing::BackendConformance;
using testing::BackendThreads;
using testing::CaseName;

std::unique_ptr<Backend> makeOpenBlas() { return std::make_unique<OpenBlasBackend>(); }
std::unique_ptr<Backend> makeOneDnn() { return std::make_unique<OneDnnBackend>(); }
// Both of OpenBLAS's paths for a small A * B^T, on any CPU (see transposeFirst).
std::unique_ptr<Backend> makeOpenBlasTransposing() {
  return std::make_unique<OpenBlasBackend>(true);
}
std::unique_ptr<Backend> makeOpenBlasDirect() { return std::make_unique<OpenBlasBackend>(false); }

// On one thread, and sharing large ops between two.
INSTANTIATE_TEST_SUITE_P(
    Bundled, BackendConformance,
    ::testing::Values(BackendCase{"openblas", makeOpenBlas}, BackendCase{"onednn", makeOneDnn},
                      BackendCase{"openblas_transposing", makeOpenBlasTransposing},
                      BackendCase{"openblas_direct", makeOpenBlasDirect},
                      BackendCase{"openblas_2threads", makeOpenBlas, 2},
                      BackendCase{"onednn_2threads", makeOneDnn, 2}),
    CaseName{});

INSTANTIATE_TEST_SUITE_P(Bundled, BackendThreads,
                         ::testing::Values(BackendCase{"openblas", makeOpenBlas},
                                           BackendCase{"onednn", makeOneDnn}),
                         CaseName{});

// The description `tunelab backends` prints names the library and its version as the library
// reports them, and the kernels it runs here: OpenBLAS's core type, oneDNN's instruction set.
TEST(BundledBackends, OpenBlasDescribesItsLibraryAndCore) {
  const std::string text = OpenBlasBackend().description();
  EXPECT_TRUE(text.starts_with(std::string("OpenBLAS (") + openblas_get_config() + ")")) << text;
  EXPECT_NE(text.find(std::string("core ") + openblas_get_corename()), std::string::npos) << text;
}

TEST(BundledBackends, OneDnnDescribesItsLibraryAndInstructionSet) {
  const std::string text = OneDnnBackend().description();
  const dnnl_version_t* v = dnnl_version();
  const std::string version = "oneDNN " + std::to_string(v->major) + "." +
                              std::to_string(v->minor) + "." + std::to_string(v->patch);
  EXPECT_TRUE(text.starts_with(version)) << text;
  const std::map<dnnl::cpu_isa, std::string> isaNames{
      {dnnl::cpu_isa::sse41, "SSE4.1"},
      {dnnl::cpu_isa::avx, "AVX"},
      {dnnl::cpu_isa::avx2, "AVX2"},
      {dnnl::cpu_isa::avx512_core, "AVX-512"},
      {dnnl::cpu_isa::avx512_core_vnni, "AVX-512 VNNI"},
      {dnnl::cpu_isa::avx512_core_bf16, "AVX-512 BF16"},
      {dnnl::cpu_isa::avx512_core_amx, "AVX-512 AMX"}};
  const auto isa = isaNames.find(dnnl::get_effective_cpu_isa());
  ASSERT_NE(isa, isaNames.end()) << "an instruction set this test does not know: " << text;
  EXPECT_NE(text.find("ISA " + isa->second + ","), std::string::npos) << text;
}

// Under tests/backends/under_openblas_core.sh, which sets OPENBLAS_CORETYPE for one test
// process, OpenBLAS runs that core's kernels (a name it does not take falls back to another).
TEST(OpenBlasCore, RunsTheCoreTypeTheProcessAskedAndComputes) {
  if (const char* expected = std::getenv("TUNELAB_EXPECT_OPENBLAS_CORE"); expected != nullptr) {
    ASSERT_EQ(std::string(openblas_get_corename()), expected);
  }
  // And its kernels run here (a CPU without their instructions dies with SIGILL).
  Rng rng(3);
  const testing::StridedMatrix a(40, 30, rng);
  const testing::StridedMatrix b(30, 20, rng);
  testing::StridedMatrix c(40, 20, rng);
  testing::StridedMatrix want = c;
  OpenBlasBackend().gemm(Transpose::No, Transpose::No, 1.0F, a.view(), b.view(), 0.0F,
                         c.mutableView());
  ReferenceBackend().gemm(Transpose::No, Transpose::No, 1.0F, a.view(), b.view(), 0.0F,
                          want.mutableView());
  testing::expectNear(c, want, testing::productTolerance(30), "gemm");
}

// A product whose reduction has one term (the input gradient of a one-unit output layer) is
// computed by tunelab's own loop (backends/common/OuterProduct.h), which must give the bits the
// library's kernel gives under every core type: each element is one product, and a kernel's
// sum starts at +0, so a -0 product is stored as +0. Zeros of both signs are in the operands.
TEST(OpenBlasCore, AOneTermProductHasTheLibrarysBits) {
  Rng rng(5);
  OpenBlasBackend openblas;
  OneDnnBackend onednn;
  for (const auto& [m, n] : {std::pair<int, int>{32, 64}, {128, 16}, {1, 7}, {33, 17}}) {
    for (const float alpha : {1.0F, 0.37F}) {
      std::vector<float> a(static_cast<std::size_t>(m));
      std::vector<float> b(static_cast<std::size_t>(n));
      for (auto& v : a) v = rng.uniform() - 0.5F;
      for (auto& v : b) v = rng.uniform() - 0.5F;
      a[0] = 0.0F;
      b[n / 2] = -0.0F;
      std::vector<float> want(a.size() * b.size());
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, 1, alpha, a.data(), 1, b.data(), 1,
                  0.0F, want.data(), n);
      std::vector<float> got(want.size(), NAN);
      for (Backend* backend : {static_cast<Backend*>(&openblas), static_cast<Backend*>(&onednn)}) {
        backend->gemm(Transpose::No, Transpose::Yes, alpha, {a.data(), a.size(), 1},
                      {b.data(), b.size(), 1}, 0.0F, {got.data(), a.size(), b.size()});
        EXPECT_EQ(0, std::memcmp(got.data(), want.data(), want.size() * sizeof(float)))
            << backend->name() << " " << m << " x " << n << " alpha " << alpha;
      }
    }
  }
}

}  // namespace
}  // namespace tunelab
