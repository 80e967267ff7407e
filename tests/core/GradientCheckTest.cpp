// Every layer, activation and loss against central finite differences: the analytic gradient
// a model trains with must be the derivative of the loss it reports.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "backends/reference/ReferenceBackend.h"
#include "core/LayerRegistry.h"
#include "core/Loss.h"
#include "core/layers/StandardLayers.h"

namespace tunelab {
namespace {

Matrix randomMatrix(std::size_t rows, std::size_t cols, Rng& rng, float scale = 1.0F) {
  Matrix m(rows, cols);
  for (auto& v : m.values()) v = scale * static_cast<float>(rng.normal());
  return m;
}

// Relative error that tolerates tiny absolute values.
double mismatch(double analytic, double numeric) {
  return std::fabs(analytic - numeric) / std::max({1e-2, std::fabs(analytic), std::fabs(numeric)});
}

// A layer under test with its own buffers, and the scalar objective sum(out * weights).
struct LayerHarness {
  std::unique_ptr<Layer> layer;
  std::vector<float> params, grads, state;
  Shape input;
  ReferenceBackend backend;

  LayerHarness(const std::string& type, const nlohmann::json& options, std::size_t features) {
    LayerRegistry registry;
    registerStandardLayers(registry);
    layer = registry.create(type, options);
    input = Shape{features};
    params.resize(layer->parameterCount(input));
    grads.resize(params.size());
    state.resize(layer->stateCount(input));
    layer->bind(input, LayerBuffers{params, grads, state});
    Rng rng(11);
    layer->initialize(rng);
    // Non-trivial biases and BN parameters, so that their gradients are exercised.
    for (auto& p : params) p += 0.1F * static_cast<float>(rng.normal());
  }

  // Objective L = sum(out .* w) + regularisation, with the same random stream every call so
  // that dropout draws the same mask.
  double objective(const Matrix& x, const Matrix& w, bool training) {
    const std::size_t outCols = layer->outputShape(input).elements();
    Matrix out(x.rows(), outCols);
    Rng rng(99);
    LayerContext ctx{backend, rng, training};
    std::vector<float> savedState = state;
    layer->forward(ctx, x.cview(), out.view());
    state = savedState;  // moving statistics must not drift between evaluations
    double sum = layer->regularizationPenalty();
    for (std::size_t i = 0; i < out.size(); ++i)
      sum += static_cast<double>(out.data()[i]) * w.data()[i];
    return sum;
  }

  void check(std::size_t batch, bool training, double tolerance = 2e-2) {
    Rng rng(batch * 31 + 7);
    const Matrix x = randomMatrix(batch, input.elements(), rng);
    const std::size_t outCols = layer->outputShape(input).elements();
    const Matrix w = randomMatrix(batch, outCols, rng);

    // Analytic gradients.
    Matrix out(batch, outCols);
    Matrix dIn(batch, input.elements());
    Rng maskRng(99);
    LayerContext ctx{backend, maskRng, training};
    std::vector<float> savedState = state;
    layer->forward(ctx, x.cview(), out.view());
    layer->backward(ctx, x.cview(), out.cview(), w.cview(), dIn.view());
    state = savedState;

    // Small enough that the third-order error of gelu/swish stays below float rounding.
    const float h = 4e-3F;
    Matrix probe = x;
    for (std::size_t i = 0; i < probe.size(); ++i) {
      const float keep = probe.data()[i];
      probe.data()[i] = keep + h;
      const double up = objective(probe, w, training);
      probe.data()[i] = keep - h;
      const double down = objective(probe, w, training);
      probe.data()[i] = keep;
      const double numeric = (up - down) / (2.0 * h);
      EXPECT_LT(mismatch(dIn.data()[i], numeric), tolerance)
          << layer->type() << " d/dx[" << i << "] analytic " << dIn.data()[i] << " numeric "
          << numeric << " batch " << batch;
    }
    const std::vector<float> analytic = grads;
    for (std::size_t i = 0; i < params.size(); ++i) {
      const float keep = params[i];
      params[i] = keep + h;
      const double up = objective(x, w, training);
      params[i] = keep - h;
      const double down = objective(x, w, training);
      params[i] = keep;
      const double numeric = (up - down) / (2.0 * h);
      EXPECT_LT(mismatch(analytic[i], numeric), tolerance)
          << layer->type() << " d/dparam[" << i << "] analytic " << analytic[i] << " numeric "
          << numeric << " batch " << batch;
    }
  }
};

struct LayerCase {
  std::string name;
  std::string type;
  nlohmann::json options;
  std::size_t features;
  bool training;
};

class LayerGradient : public ::testing::TestWithParam<LayerCase> {};

TEST_P(LayerGradient, MatchesFiniteDifferences) {
  const auto& c = GetParam();
  for (std::size_t batch : {1U, 7U}) {
    LayerHarness harness(c.type, c.options, c.features);
    harness.check(batch, c.training);
  }
}

std::vector<LayerCase> layerCases() {
  std::vector<LayerCase> cases;
  for (const auto& act : activationNames()) {
    cases.push_back({"dense_" + act, "dense", {{"units", 5}, {"activation", act}}, 13, true});
    cases.push_back({"activation_" + act, "activation", {{"activation", act}}, 6, true});
  }
  cases.push_back({"dense_l1_l2",
                   "dense",
                   {{"units", 4},
                    {"activation", "tanh"},
                    {"kernel_regularizer", {{"l1", 0.01}, {"l2", 0.02}}},
                    {"bias_regularizer", "l2"}},
                   3,
                   true});
  cases.push_back({"dense_no_bias", "dense", {{"units", 1}, {"use_bias", false}}, 1, true});
  cases.push_back({"dropout_training", "dropout", {{"rate", 0.3}}, 9, true});
  cases.push_back({"dropout_evaluation", "dropout", {{"rate", 0.3}}, 9, false});
  cases.push_back({"batch_norm_training", "batch_normalization", {}, 5, true});
  cases.push_back({"batch_norm_evaluation", "batch_normalization", {}, 5, false});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllLayers, LayerGradient, ::testing::ValuesIn(layerCases()),
                         [](const auto& testInfo) { return testInfo.param.name; });

// Batch norm with one sample normalises to zero: its input gradient is exactly zero.
TEST(LayerGradient, BatchNormWithOneSampleHasZeroInputGradient) {
  LayerHarness harness("batch_normalization", {}, 4);
  Rng rng(1);
  const Matrix x = randomMatrix(1, 4, rng);
  Matrix out(1, 4);
  Matrix dIn(1, 4);
  const Matrix w = randomMatrix(1, 4, rng);
  LayerContext ctx{harness.backend, rng, true};
  harness.layer->forward(ctx, x.cview(), out.view());
  harness.layer->backward(ctx, x.cview(), out.cview(), w.cview(), dIn.view());
  for (float v : dIn.values()) EXPECT_NEAR(v, 0.0F, 1e-5F);
}

struct LossCase {
  std::string name;
  nlohmann::json spec;
  std::size_t outputs;
};

class LossGradient : public ::testing::TestWithParam<LossCase> {};

Matrix targetsFor(const std::string& loss, std::size_t batch, std::size_t outputs, Rng& rng) {
  Matrix y(batch, loss == "categorical_crossentropy"
                      ? outputs
                      : (loss.find("crossentropy") != std::string::npos ? 1 : outputs));
  for (std::size_t r = 0; r < batch; ++r) {
    if (loss == "binary_crossentropy") {
      y(r, 0) = static_cast<float>(rng.below(2));
    } else if (loss == "sparse_categorical_crossentropy") {
      y(r, 0) = static_cast<float>(rng.below(outputs));
    } else if (loss == "categorical_crossentropy") {
      y(r, rng.below(outputs)) = 1.0F;
    } else {
      for (std::size_t c = 0; c < outputs; ++c) y(r, c) = static_cast<float>(rng.normal());
    }
  }
  return y;
}

TEST_P(LossGradient, MatchesFiniteDifferences) {
  const auto& c = GetParam();
  const auto loss = makeLoss(c.spec);
  for (std::size_t batch : {1U, 7U}) {
    Rng rng(batch + 3);
    Matrix input = randomMatrix(batch, c.outputs, rng, 2.0F);
    const Matrix y = targetsFor(std::string(loss->name()), batch, c.outputs, rng);
    Matrix grad(batch, c.outputs);
    loss->compute(input.cview(), y.cview(), grad.view());
    const double h = 1e-2;
    for (std::size_t i = 0; i < input.size(); ++i) {
      const float keep = input.data()[i];
      input.data()[i] = keep + static_cast<float>(h);
      const double up = loss->compute(input.cview(), y.cview(), MatrixView{});
      input.data()[i] = keep - static_cast<float>(h);
      const double down = loss->compute(input.cview(), y.cview(), MatrixView{});
      input.data()[i] = keep;
      // compute() returns the batch sum; the gradient is of the batch mean.
      const double numeric = (up - down) / (2.0 * h) / static_cast<double>(batch);
      EXPECT_LT(mismatch(grad.data()[i], numeric), 2e-2)
          << c.name << "[" << i << "] analytic " << grad.data()[i] << " numeric " << numeric;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllLosses, LossGradient,
    ::testing::Values(LossCase{"binary_crossentropy", "binary_crossentropy", 1},
                      LossCase{"categorical_crossentropy", "categorical_crossentropy", 4},
                      LossCase{"sparse_categorical_crossentropy", "sparse_categorical_crossentropy",
                               3},
                      LossCase{"mse", "mse", 3}, LossCase{"mae", "mae", 2},
                      LossCase{"huber", {{"type", "huber"}, {"delta", 0.5}}, 3}),
    [](const auto& testInfo) { return testInfo.param.name; });

TEST(LossStability, CrossEntropiesStayFiniteForHugeLogits) {
  for (const char* name : {"binary_crossentropy", "sparse_categorical_crossentropy"}) {
    const auto loss = makeLoss(name);
    const std::size_t cols = std::string(name) == "binary_crossentropy" ? 1 : 3;
    Matrix z(2, cols, 0.0F);
    z(0, 0) = 80.0F;
    z(1, 0) = -80.0F;
    Matrix y(2, 1, 0.0F);  // the target is class 0 in both rows
    Matrix grad(2, cols);
    const double value = loss->compute(z.cview(), y.cview(), grad.view());
    EXPECT_TRUE(std::isfinite(value)) << name;
    // binary: row 0 is confidently wrong (80), row 1 right (~0); softmax over [-80, 0, 0]
    // with target 0 costs 80 + log 2 in row 1, row 0 is right.
    const double expected = cols == 1 ? 80.0 : 80.0 + std::log(2.0);
    EXPECT_NEAR(value, expected, 1e-3) << name;
    for (float g : grad.values()) EXPECT_TRUE(std::isfinite(g)) << name;
  }
}

TEST(LossStability, BinaryCrossentropyMatchesTheProbabilityFormula) {
  const auto loss = makeLoss("binary_crossentropy");
  Matrix z(1, 1, 0.7F);
  Matrix y(1, 1, 1.0F);
  const double p = 1.0 / (1.0 + std::exp(-0.7));
  EXPECT_NEAR(loss->compute(z.cview(), y.cview(), MatrixView{}), -std::log(p), 1e-6);
}

}  // namespace
}  // namespace tunelab
