// Tolerances scale with the reduction length: float32 sums of k products differ from the
// double-accumulated reference by about k * eps * sum |a||b|.
#include "plugins/testing/BackendConformance.h"

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "plugins/testing/StridedMatrix.h"

namespace tunelab::testing {

// NOLINTNEXTLINE(readability-identifier-naming): the name GoogleTest looks up
void PrintTo(const BackendCase& c, std::ostream* os) { *os << c.name; }

BackendConformance::BackendConformance() : backend_(GetParam().make()) {
  backend_->setThreads(GetParam().threads);
}

BackendConformance::~BackendConformance() = default;

namespace {

std::string describe(const Product& p, Transpose ta, Transpose tb) {
  return std::to_string(p.m) + "x" + std::to_string(p.n) + "x" + std::to_string(p.k) +
         (ta == Transpose::Yes ? " aT" : "") + (tb == Transpose::Yes ? " bT" : "");
}

// Every activation with its defaults, and the parameters that change which code computes it
// (oneDNN fuses relu with a slope or a cap, not with a threshold).
const std::vector<Activation>& everyActivation() {
  static const std::vector<Activation> all = [] {
    std::vector<Activation> acts;
    for (const auto& name : activationNames()) acts.push_back(parseActivation(name));
    for (const char* spec :
         {R"({"type": "relu", "negative_slope": 0.1})", R"({"type": "relu", "max_value": 2.5})",
          R"({"type": "relu", "negative_slope": 0.2, "max_value": 4,
                                 "threshold": 0.5})",
          R"({"type": "leaky_relu", "alpha": 0.05})", R"({"type": "elu", "alpha": 0.5})",
          R"({"type": "celu", "alpha": 2})"}) {
      acts.push_back(parseActivation(nlohmann::json::parse(spec)));
    }
    return acts;
  }();
  return all;
}

// The reference's op(a) op(b): computed once, it serves every alpha and beta (the oracle's
// product is the slow part of these tests under a sanitizer).
StridedMatrix referenceProduct(Transpose ta, Transpose tb, const StridedMatrix& a,
                               const StridedMatrix& b, Rng& rng) {
  StridedMatrix product(ta == Transpose::No ? a.rows : a.cols,
                        tb == Transpose::No ? b.cols : b.rows, rng);
  ReferenceBackend().gemm(ta, tb, 1.0F, a.view(), b.view(), 0.0F, product.mutableView());
  return product;
}

// alpha * product + beta * c, as the reference's gemm finishes each element (c unread at beta 0).
StridedMatrix scaledAndAdded(float alpha, const StridedMatrix& product, float beta,
                             const StridedMatrix& c) {
  StridedMatrix out = c;
  for (std::size_t i = 0; i < c.rows; ++i) {
    for (std::size_t j = 0; j < c.cols; ++j) {
      const float scaled = alpha * product.at(i, j);
      out.data[i * out.stride + j] = beta == 0.0F ? scaled : scaled + beta * c.at(i, j);
    }
  }
  return out;
}

}  // namespace

TEST_P(BackendConformance, GemmMatchesReferenceForEveryTransposeAndShape) {
  // One output column, batch 1, and three products large enough to be shared between threads:
  // by columns of C, and by rows and by columns cut into blocks that are not multiples of 16.
  const std::vector<Product> shapes{{1, 1, 1},   {1, 7, 5},       {7, 13, 5},     {31, 64, 10},
                                    {13, 1, 64}, {256, 256, 784}, {301, 37, 400}, {37, 301, 400}};
  for (const auto& p : shapes) {
    for (auto ta : {Transpose::No, Transpose::Yes}) {
      for (auto tb : {Transpose::No, Transpose::Yes}) {
        const StridedMatrix a =
            ta == Transpose::No ? StridedMatrix(p.m, p.k, rng_) : StridedMatrix(p.k, p.m, rng_);
        const StridedMatrix b =
            tb == Transpose::No ? StridedMatrix(p.k, p.n, rng_) : StridedMatrix(p.n, p.k, rng_);
        const StridedMatrix product = referenceProduct(ta, tb, a, b, rng_);
        for (auto [alpha, beta] :
             {std::pair{1.0F, 0.0F}, std::pair{0.5F, 1.0F}, std::pair{-1.0F, 0.25F}}) {
          StridedMatrix c(p.m, p.n, rng_);
          if (beta == 0.0F) c.fillNaN();  // with beta 0, C must not be read
          const StridedMatrix want = scaledAndAdded(alpha, product, beta, c);
          backend_->gemm(ta, tb, alpha, a.view(), b.view(), beta, c.mutableView());
          expectNear(c, want, productTolerance(p.k),
                     "gemm " + describe(p, ta, tb) + " alpha " + std::to_string(alpha) + " beta " +
                         std::to_string(beta));
        }
      }
    }
  }
}

TEST_P(BackendConformance, DenseForwardFusesBiasAndEveryActivation) {
  // Batch 1, one output column, a last partial batch (31 of 32) and a Fashion-MNIST layer.
  const std::vector<Product> shapes{{1, 7, 5},    {1, 1, 1},  {9, 1, 6},
                                    {31, 64, 10}, {7, 13, 5}, {128, 256, 784}};
  for (const auto& p : shapes) {
    for (bool withBias : {true, false}) {
      const StridedMatrix x(p.m, p.k, rng_);
      const StridedMatrix w(p.k, p.n, rng_, 0);
      std::vector<float> bias(withBias ? p.n : 0);
      for (auto& v : bias) v = rng_.uniform() - 0.5F;
      // The reference's x w + bias once; each activation of it is what the reference's fused
      // op gives (the oracle's product, the slow part under a sanitizer, is not redone).
      StridedMatrix linear(p.m, p.n, rng_);
      reference_.denseForward(x.view(), w.view(), bias, Activation{}, linear.mutableView());
      for (const auto& act : everyActivation()) {
        StridedMatrix y(p.m, p.n, rng_);
        y.fillNaN();
        StridedMatrix want = y;
        applyActivation(act, linear.view(), want.mutableView());
        backend_->denseForward(x.view(), w.view(), bias, act, y.mutableView());
        expectNear(y, want, 2.0F * productTolerance(p.k) + 1e-6F,
                   "dense " + describeActivation(act) + " " +
                       describe(p, Transpose::No, Transpose::No) + (withBias ? "" : " no bias"));
      }
    }
  }
}

TEST_P(BackendConformance, ActivationBackwardMatchesReferenceAlsoInPlace) {
  for (const auto& act : everyActivation()) {
    const StridedMatrix x(33, 17, rng_);
    StridedMatrix y(33, 17, rng_);
    applyActivation(act, x.view(), y.mutableView());
    const StridedMatrix dy(33, 17, rng_);
    StridedMatrix dx(33, 17, rng_);
    dx.fillNaN();
    StridedMatrix want = dx;
    const std::string what = "activation backward " + describeActivation(act);
    backend_->activationBackward(act, x.view(), y.view(), dy.view(), dx.mutableView());
    reference_.activationBackward(act, x.view(), y.view(), dy.view(), want.mutableView());
    expectNear(dx, want, 1e-6F, what);
    // dx may alias dy (Backend.h): layers compute the gradient in place.
    StridedMatrix inPlace = dy;
    backend_->activationBackward(act, x.view(), y.view(), inPlace.view(), inPlace.mutableView());
    expectNear(inPlace, want, 1e-6F, what + " in place");
  }
}

TEST_P(BackendConformance, ColumnSumsOverwriteTheirOutput) {
  for (const auto& [rows, cols] :
       {std::pair<std::size_t, std::size_t>{1, 1}, {1, 9}, {31, 1}, {257, 64}}) {
    const StridedMatrix m(rows, cols, rng_);
    std::vector<float> got(cols, std::numeric_limits<float>::quiet_NaN());
    std::vector<float> want(cols);
    backend_->columnSums(m.view(), got);
    reference_.columnSums(m.view(), want);
    for (std::size_t j = 0; j < cols; ++j) {
      EXPECT_NEAR(got[j], want[j], productTolerance(rows) * (1.0F + std::abs(want[j])))
          << rows << "x" << cols << " column " << j;
    }
  }
}

TEST_P(BackendConformance, AdamUpdateMatchesTheReferenceOverSeveralSteps) {
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
      const auto tf = static_cast<float>(t);
      const AdamStep step{
          0.01F * std::sqrt(1.0F - std::pow(0.999F, tf)) / (1.0F - std::pow(0.9F, tf)), 0.9F,
          0.999F, 1e-7F};
      backend_->adamUpdate(params, grads, m, v, step);
      reference_.adamUpdate(wantParams, grads, wantM, wantV, step);
    }
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_NEAR(params[i], wantParams[i], 1e-6F * (1.0F + std::abs(wantParams[i])))
          << "parameter " << i << " of " << n;
      ASSERT_NEAR(m[i], wantM[i], 1e-6F) << "first moment " << i << " of " << n;
      ASSERT_NEAR(v[i], wantV[i], 1e-6F) << "second moment " << i << " of " << n;
    }
  }
}

TEST_P(BackendConformance, ReusedInstanceGivesTheSameResultOnEveryCall) {
  // A backend that caches per shape (oneDNN primitives) must not hand a product another
  // shape's cache entry: 31 rows, then 32, then 31 again.
  const StridedMatrix a(31, 10, rng_);
  const StridedMatrix b(10, 64, rng_);
  StridedMatrix first(31, 64, rng_);
  StridedMatrix second = first;
  backend_->gemm(Transpose::No, Transpose::No, 1.0F, a.view(), b.view(), 0.0F, first.mutableView());
  const StridedMatrix other(32, 10, rng_);
  StridedMatrix scratch(32, 64, rng_);
  backend_->gemm(Transpose::No, Transpose::No, 1.0F, other.view(), b.view(), 0.0F,
                 scratch.mutableView());
  backend_->gemm(Transpose::No, Transpose::No, 1.0F, a.view(), b.view(), 0.0F,
                 second.mutableView());
  EXPECT_TRUE(sameBits(first.data, second.data));
}

TEST_P(BackendConformance, NamesItselfAndNeverRunsMoreThreadsThanItIsGiven) {
  EXPECT_FALSE(backend_->name().empty());
  // `tunelab backends` shows it: the library, its version and the kernel it runs.
  EXPECT_FALSE(backend_->description().empty());
  // The runner's budget is parallel_trials x threads_per_trial <= cores: a backend may use
  // fewer threads than it is given, never more.
  for (int threads : {1, 2, 3}) {
    backend_->setThreads(threads);
    EXPECT_GE(backend_->threads(), 1);
    EXPECT_LE(backend_->threads(), threads);
  }
}

// A test executable links every suite of the kit and instantiates the ones it needs.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BackendConformance);

}  // namespace tunelab::testing
