// A backend that cuts a product into one block per thread gives other bits with another thread
// count whenever its library's kernels round differently at the block edges (OpenBLAS's did
// with Haswell kernels): products must be cut by shape, never by thread count.
#include "plugins/testing/BackendThreads.h"

#include <vector>

#include "plugins/testing/StridedMatrix.h"

namespace tunelab::testing {

BackendThreads::~BackendThreads() = default;

std::unique_ptr<Backend> BackendThreads::withThreads(int threads) const {
  auto backend = GetParam().make();
  backend->setThreads(threads);
  return backend;
}

TEST_P(BackendThreads, GemmGivesTheBitsOfOneThread) {
  // Cut by rows, by columns, into 2, 4 and 8 blocks, with edges that are not multiples of any
  // kernel's tile.
  const std::vector<Product> shapes{{301, 37, 400}, {37, 301, 400},  {128, 256, 784},
                                    {97, 1000, 97}, {700, 130, 300}, {1100, 333, 400}};
  const auto one = withThreads(1);
  for (const auto& [m, n, k] : shapes) {
    for (auto ta : {Transpose::No, Transpose::Yes}) {
      for (auto tb : {Transpose::No, Transpose::Yes}) {
        const StridedMatrix a =
            ta == Transpose::No ? StridedMatrix(m, k, rng_) : StridedMatrix(k, m, rng_);
        const StridedMatrix b =
            tb == Transpose::No ? StridedMatrix(k, n, rng_) : StridedMatrix(n, k, rng_);
        const StridedMatrix c(m, n, rng_);
        StridedMatrix want = c;
        one->gemm(ta, tb, 0.5F, a.view(), b.view(), 1.0F, want.mutableView());
        for (int threads : {2, 3}) {
          StridedMatrix got = c;
          withThreads(threads)->gemm(ta, tb, 0.5F, a.view(), b.view(), 1.0F, got.mutableView());
          ASSERT_TRUE(sameBits(got.data, want.data))
              << m << "x" << n << "x" << k << (ta == Transpose::Yes ? " aT" : "")
              << (tb == Transpose::Yes ? " bT" : "") << ", " << threads << " threads";
        }
      }
    }
  }
}

TEST_P(BackendThreads, DenseForwardGivesTheBitsOfOneThread) {
  const std::vector<Product> shapes{{128, 256, 784}, {301, 37, 400}, {1100, 333, 400}};
  const auto one = withThreads(1);
  for (const auto& [m, n, k] : shapes) {
    const StridedMatrix x(m, k, rng_);
    const StridedMatrix w(k, n, rng_, 0);
    std::vector<float> bias(n);
    for (auto& v : bias) v = rng_.uniform() - 0.5F;
    StridedMatrix want(m, n, rng_);
    const StridedMatrix before = want;
    one->denseForward(x.view(), w.view(), bias, {ActivationKind::Relu, 0}, want.mutableView());
    for (int threads : {2, 3}) {
      StridedMatrix got = before;
      withThreads(threads)->denseForward(x.view(), w.view(), bias, {ActivationKind::Relu, 0},
                                         got.mutableView());
      ASSERT_TRUE(sameBits(got.data, want.data))
          << m << "x" << n << "x" << k << ", " << threads << " threads";
    }
  }
}

TEST_P(BackendThreads, AdamStepGivesTheBitsOfOneThread) {
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
    ASSERT_TRUE(sameBits(m2, m)) << threads << " threads, first moments";
    ASSERT_TRUE(sameBits(v2, v)) << threads << " threads, second moments";
  }
}

// A test executable links every suite of the kit and instantiates the ones it needs.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BackendThreads);

}  // namespace tunelab::testing
