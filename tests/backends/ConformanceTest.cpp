// Every backend against the reference: each op, both transposes, tiny to large shapes, strided
// views, a last partial batch. Tolerances scale with the reduction length: float32 sums of k
// products differ from the double-accumulated reference by about k * eps * sum |a||b|.
#include <cblas.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/onednn/OneDnnBackend.h"
#include "backends/openblas/OpenBlasBackend.h"
#include "backends/reference/ReferenceBackend.h"
#include "core/Rng.h"

namespace tunelab {
namespace {

// "openblas" or "openblas_2threads": a backend, on one thread or sharing large ops by two.
std::unique_ptr<Backend> makeBackend(const std::string& param) {
  const std::string name = param.substr(0, param.find('_'));
  std::unique_ptr<Backend> backend;
  if (name == "openblas") {
    backend = std::make_unique<OpenBlasBackend>();
  } else if (name == "onednn") {
    backend = std::make_unique<OneDnnBackend>();
  } else {
    backend = std::make_unique<ReferenceBackend>();
  }
  backend->setThreads(param.ends_with("_2threads") ? 2 : 1);
  return backend;
}

// A matrix with a row stride wider than its columns, so views are not contiguous.
struct Strided {
  std::size_t rows, cols, stride;
  std::vector<float> data;
  Strided(std::size_t r, std::size_t c, Rng& rng, std::size_t pad = 3)
      : rows(r), cols(c), stride(c + pad), data(r * (c + pad) + 1, std::nanf("")) {
    for (std::size_t i = 0; i < r; ++i) {
      for (std::size_t j = 0; j < c; ++j) data[i * stride + j] = 2.0F * rng.uniform() - 1.0F;
    }
  }
  ConstMatrixView view() const { return {data.data(), rows, cols, stride}; }
  MatrixView mut() { return {data.data(), rows, cols, stride}; }
};

struct Shape3 {
  std::size_t m, n, k;
};

class Conformance : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<Backend> backend_ = makeBackend(GetParam());
  ReferenceBackend reference_;
  Rng rng_{17};
};

void expectNear(const Strided& got, const Strided& want, float tolerance, const std::string& what) {
  for (std::size_t i = 0; i < got.rows; ++i) {
    for (std::size_t j = 0; j < got.cols; ++j) {
      const float g = got.data[i * got.stride + j];
      const float w = want.data[i * want.stride + j];
      ASSERT_NEAR(g, w, tolerance * (1.0F + std::abs(w)))
          << what << " at (" << i << ", " << j << ")";
    }
  }
}

float gemmTolerance(std::size_t k) { return 4.0F * static_cast<float>(k + 1) * 1.2e-7F; }

TEST_P(Conformance, GemmMatchesReferenceForEveryTransposeAndShape) {
  // The last three are large enough to be shared between threads: by columns of C, and by
  // rows and by columns cut into blocks that are not multiples of 16.
  const std::vector<Shape3> shapes{{1, 1, 1},   {1, 7, 5},       {7, 13, 5},     {31, 64, 10},
                                   {13, 1, 64}, {256, 256, 784}, {301, 37, 400}, {37, 301, 400}};
  for (const auto& [m, n, k] : shapes) {
    for (auto ta : {Transpose::No, Transpose::Yes}) {
      for (auto tb : {Transpose::No, Transpose::Yes}) {
        for (auto [alpha, beta] :
             {std::pair{1.0F, 0.0F}, std::pair{0.5F, 1.0F}, std::pair{-1.0F, 0.25F}}) {
          const Strided a = ta == Transpose::No ? Strided(m, k, rng_) : Strided(k, m, rng_);
          const Strided b = tb == Transpose::No ? Strided(k, n, rng_) : Strided(n, k, rng_);
          Strided c(m, n, rng_);
          if (beta == 0.0F) std::fill(c.data.begin(), c.data.end(), std::nanf(""));
          Strided want = c;
          backend_->gemm(ta, tb, alpha, a.view(), b.view(), beta, c.mut());
          reference_.gemm(ta, tb, alpha, a.view(), b.view(), beta, want.mut());
          expectNear(c, want, gemmTolerance(k),
                     "gemm " + std::to_string(m) + "x" + std::to_string(n) + "x" +
                         std::to_string(k) + (ta == Transpose::Yes ? " aT" : "") +
                         (tb == Transpose::Yes ? " bT" : "") + " alpha " + std::to_string(alpha) +
                         " beta " + std::to_string(beta));
        }
      }
    }
  }
}

TEST_P(Conformance, DenseForwardFusesBiasAndEveryActivation) {
  const std::vector<Activation> activations{
      {ActivationKind::Linear, 0},  {ActivationKind::Relu, 0}, {ActivationKind::LeakyRelu, 0.3F},
      {ActivationKind::Elu, 1.0F},  {ActivationKind::Tanh, 0}, {ActivationKind::Sigmoid, 0},
      {ActivationKind::Softmax, 0}, {ActivationKind::Gelu, 0}, {ActivationKind::Swish, 0}};
  // Batch 1, a last partial batch (31 of 32) and the Fashion-MNIST first layer.
  const std::vector<Shape3> shapes{{1, 7, 5}, {31, 64, 10}, {7, 13, 5}, {128, 256, 784}};
  for (const auto& act : activations) {
    for (const auto& [m, n, k] : shapes) {
      for (bool withBias : {true, false}) {
        const Strided x(m, k, rng_);
        const Strided w(k, n, rng_, 0);
        std::vector<float> bias(withBias ? n : 0);
        for (auto& v : bias) v = rng_.uniform() - 0.5F;
        Strided y(m, n, rng_);
        Strided want(m, n, rng_);
        backend_->denseForward(x.view(), w.view(), bias, act, y.mut());
        reference_.denseForward(x.view(), w.view(), bias, act, want.mut());
        expectNear(y, want, 2.0F * gemmTolerance(k) + 1e-6F,
                   "dense " + std::string(activationName(act.kind)) + " " + std::to_string(m) +
                       "x" + std::to_string(n) + "x" + std::to_string(k));
      }
    }
  }
}

TEST_P(Conformance, ActivationBackwardAndColumnSumsMatchReference) {
  for (const auto kind : {ActivationKind::Relu, ActivationKind::Tanh, ActivationKind::Sigmoid,
                          ActivationKind::Gelu, ActivationKind::Swish}) {
    const Activation act{kind, 0};
    const Strided x(33, 17, rng_);
    Strided y(33, 17, rng_);
    applyActivation(act, x.view(), y.mut());
    const Strided dy(33, 17, rng_);
    Strided dx(33, 17, rng_);
    Strided want(33, 17, rng_);
    backend_->activationBackward(act, x.view(), y.view(), dy.view(), dx.mut());
    reference_.activationBackward(act, x.view(), y.view(), dy.view(), want.mut());
    expectNear(dx, want, 1e-6F, "activation backward " + std::string(activationName(kind)));
  }
  for (const auto& [rows, cols] : {std::pair<std::size_t, std::size_t>{1, 1}, {1, 9}, {257, 64}}) {
    const Strided m(rows, cols, rng_);
    std::vector<float> got(cols, std::nanf(""));
    std::vector<float> want(cols);
    backend_->columnSums(m.view(), got);
    reference_.columnSums(m.view(), want);
    for (std::size_t j = 0; j < cols; ++j) {
      EXPECT_NEAR(got[j], want[j], gemmTolerance(rows) * (1.0F + std::abs(want[j])));
    }
  }
}

TEST_P(Conformance, AdamUpdateMatchesTheReferenceOverSeveralSteps) {
  for (std::size_t n : {1U, 7U, 4929U, 70001U}) {
    std::vector<float> params(n);
    std::vector<float> grads(n);
    for (auto& p : params) p = 2.0F * rng_.uniform() - 1.0F;
    std::vector<float> m(n, 0.0F);
    std::vector<float> v(n, 0.0F);
    auto wantParams = params;
    auto wantM = m;
    auto wantV = v;
    for (int t = 1; t <= 3; ++t) {
      for (auto& g : grads) g = 2.0F * rng_.uniform() - 1.0F;
      const AdamStep step{0.01F * std::sqrt(1.0F - std::pow(0.999F, static_cast<float>(t))) /
                              (1.0F - std::pow(0.9F, static_cast<float>(t))),
                          0.9F, 0.999F, 1e-7F};
      backend_->adamUpdate(params, grads, m, v, step);
      reference_.adamUpdate(wantParams, grads, wantM, wantV, step);
    }
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_NEAR(params[i], wantParams[i], 1e-6F * (1.0F + std::abs(wantParams[i]))) << i;
      ASSERT_NEAR(m[i], wantM[i], 1e-6F) << i;
      ASSERT_NEAR(v[i], wantV[i], 1e-6F) << i;
    }
  }
}

TEST_P(Conformance, ReusedInstanceGivesTheSameResultOnEveryCall) {
  const Strided a(31, 10, rng_);
  const Strided b(10, 64, rng_);
  Strided first(31, 64, rng_);
  Strided second(31, 64, rng_);
  backend_->gemm(Transpose::No, Transpose::No, 1.0F, a.view(), b.view(), 0.0F, first.mut());
  const Strided other(32, 10, rng_);
  Strided scratch(32, 64, rng_);
  backend_->gemm(Transpose::No, Transpose::No, 1.0F, other.view(), b.view(), 0.0F, scratch.mut());
  backend_->gemm(Transpose::No, Transpose::No, 1.0F, a.view(), b.view(), 0.0F, second.mut());
  for (std::size_t i = 0; i < 31; ++i) {
    for (std::size_t j = 0; j < 64; ++j) {
      ASSERT_EQ(first.data[i * first.stride + j], second.data[i * second.stride + j]);
    }
  }
}

// The description `tunelab backends` prints names the library and its version as the library
// reports them, and the kernels it runs here: OpenBLAS's core type, oneDNN's instruction set.
TEST_P(Conformance, DescribesItsLibraryAndKernel) {
  const std::string text = backend_->description();
  if (GetParam().starts_with("openblas")) {
    EXPECT_TRUE(text.starts_with(std::string("OpenBLAS (") + openblas_get_config() + ")")) << text;
    EXPECT_NE(text.find(std::string("core ") + openblas_get_corename()), std::string::npos) << text;
  } else {
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
}

// A product is cut into blocks by its shape, never by the thread count, so every element of C
// comes from the same library call with 1, 2 or 3 threads: a trial gives the same bits with any
// threads_per_trial, whatever kernels the library picked (OpenBLAS's differ per core type:
// scripts run this suite under each one the CPU can run).
// Bit for bit, NaN padding included.
bool sameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](float x, float y) {
           return std::bit_cast<std::uint32_t>(x) == std::bit_cast<std::uint32_t>(y);
         });
}

class ThreadCount : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<Backend> withThreads(int threads) const {
    auto backend = makeBackend(GetParam());
    backend->setThreads(threads);
    return backend;
  }
  Rng rng_{5};
};

TEST_P(ThreadCount, GemmGivesTheBitsOfOneThread) {
  // Cut by rows, by columns, into 2, 4 and 8 blocks, with edges that are not multiples of any
  // kernel's tile.
  const std::vector<Shape3> shapes{{301, 37, 400}, {37, 301, 400},  {128, 256, 784},
                                   {97, 1000, 97}, {700, 130, 300}, {1100, 333, 400}};
  const auto one = withThreads(1);
  for (const auto& [m, n, k] : shapes) {
    for (auto ta : {Transpose::No, Transpose::Yes}) {
      for (auto tb : {Transpose::No, Transpose::Yes}) {
        const Strided a = ta == Transpose::No ? Strided(m, k, rng_) : Strided(k, m, rng_);
        const Strided b = tb == Transpose::No ? Strided(k, n, rng_) : Strided(n, k, rng_);
        const Strided c(m, n, rng_);
        Strided want = c;
        one->gemm(ta, tb, 0.5F, a.view(), b.view(), 1.0F, want.mut());
        for (int threads : {2, 3}) {
          Strided got = c;
          withThreads(threads)->gemm(ta, tb, 0.5F, a.view(), b.view(), 1.0F, got.mut());
          // Bitwise: the padding between rows is NaN in both.
          ASSERT_TRUE(sameBits(got.data, want.data))
              << m << "x" << n << "x" << k << (ta == Transpose::Yes ? " aT" : "")
              << (tb == Transpose::Yes ? " bT" : "") << ", " << threads << " threads";
        }
      }
    }
  }
}

TEST_P(ThreadCount, DenseForwardGivesTheBitsOfOneThread) {
  const std::vector<Shape3> shapes{{128, 256, 784}, {301, 37, 400}, {1100, 333, 400}};
  const auto one = withThreads(1);
  for (const auto& [m, n, k] : shapes) {
    const Strided x(m, k, rng_);
    const Strided w(k, n, rng_, 0);
    std::vector<float> bias(n);
    for (auto& v : bias) v = rng_.uniform() - 0.5F;
    Strided want(m, n, rng_);
    one->denseForward(x.view(), w.view(), bias, {ActivationKind::Relu, 0}, want.mut());
    for (int threads : {2, 3}) {
      Strided got = want;
      withThreads(threads)->denseForward(x.view(), w.view(), bias, {ActivationKind::Relu, 0},
                                         got.mut());
      ASSERT_TRUE(sameBits(got.data, want.data))
          << m << "x" << n << "x" << k << ", " << threads << " threads";
    }
  }
}

TEST_P(ThreadCount, AdamStepGivesTheBitsOfOneThread) {
  const std::size_t n = 200001;
  std::vector<float> params(n);
  std::vector<float> grads(n);
  for (auto& p : params) p = rng_.uniform() - 0.5F;
  for (auto& g : grads) g = rng_.uniform() - 0.5F;
  const AdamStep step{0.001F, 0.9F, 0.999F, 1e-7F};
  std::vector<float> want = params;
  std::vector<float> m(n, 0.0F);
  std::vector<float> v(n, 0.0F);
  withThreads(1)->adamUpdate(want, grads, m, v, step);
  for (int threads : {2, 3}) {
    std::vector<float> got = params;
    std::vector<float> m2(n, 0.0F);
    std::vector<float> v2(n, 0.0F);
    withThreads(threads)->adamUpdate(got, grads, m2, v2, step);
    ASSERT_TRUE(sameBits(got, want)) << threads << " threads";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ThreadCount, ::testing::Values("openblas", "onednn"),
                         [](const auto& param) { return param.param; });

// Under tests/backends/under_openblas_core.sh, which sets OPENBLAS_CORETYPE for one test
// process, OpenBLAS runs that core's kernels (a name it does not take falls back to another).
TEST(OpenBlasCore, RunsTheCoreTypeTheProcessAskedAndComputes) {
  if (const char* expected = std::getenv("TUNELAB_EXPECT_OPENBLAS_CORE"); expected != nullptr) {
    ASSERT_EQ(std::string(openblas_get_corename()), expected);
  }
  // And its kernels run here (a CPU without their instructions dies with SIGILL).
  Rng rng(3);
  const Strided a(40, 30, rng);
  const Strided b(30, 20, rng);
  Strided c(40, 20, rng);
  Strided want = c;
  OpenBlasBackend().gemm(Transpose::No, Transpose::No, 1.0F, a.view(), b.view(), 0.0F, c.mut());
  ReferenceBackend().gemm(Transpose::No, Transpose::No, 1.0F, a.view(), b.view(), 0.0F, want.mut());
  expectNear(c, want, gemmTolerance(30), "gemm");
}

INSTANTIATE_TEST_SUITE_P(Backends, Conformance,
                         ::testing::Values("openblas", "onednn", "openblas_2threads",
                                           "onednn_2threads"),
                         [](const auto& param) { return param.param; });

}  // namespace
}  // namespace tunelab
