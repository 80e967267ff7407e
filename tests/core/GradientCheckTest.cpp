// Every bundled layer and activation through the plugin kit's gradient check, and every loss
// against central finite differences: the analytic gradient a model trains with must be the
// derivative of the loss it reports.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "core/LayerRegistry.h"
#include "core/Loss.h"
#include "core/layers/StandardLayers.h"
#include "plugins/testing/LayerGradientCheck.h"

namespace tunelab {
namespace {

using testing::LayerCase;
using testing::LayerGradientCheck;
using testing::LayerHarness;
using testing::randomMatrix;

// A bundled layer as its plugin module registers it.
testing::LayerMaker standard(const std::string& type, const nlohmann::json& options) {
  return [type, options] {
    LayerRegistry registry;
    registerStandardLayers(registry);
    return registry.create(type, options);
  };
}

std::vector<LayerCase> bundledLayers() {
  std::vector<LayerCase> cases;
  for (const auto& act : activationNames()) {
    cases.push_back(
        {"dense_" + act, standard("dense", {{"units", 5}, {"activation", act}}), Shape{13}});
    cases.push_back({"activation_" + act, standard("activation", {{"activation", act}}), Shape{6}});
  }
  // Parameters written as a mapping, each region of Keras' relu crossed by the inputs. Central
  // differences are wrong across a kink or relu's jump at its threshold (from 0 to the
  // threshold): the values are chosen so that no input lies within the step of one (0.25 and 0.6 do
  // for a dense layer; a dense layer's parameters move every output of a column, so it has no
  // threshold here).
  const std::vector<std::pair<std::string, nlohmann::json>> parameterised{
      {"leaky_relu_alpha", {{"type", "leaky_relu"}, {"alpha", 0.1}}},
      {"relu_negative_slope", {{"type", "relu"}, {"negative_slope", 0.2}}},
      {"relu_max_value", {{"type", "relu"}, {"max_value", 0.4}}},
      {"relu_slope_and_cap", {{"type", "relu"}, {"negative_slope", 0.3}, {"max_value", 0.4}}},
      {"elu_alpha", {{"type", "elu"}, {"alpha", 0.5}}},
      {"celu_alpha", {{"type", "celu"}, {"alpha", 0.4}}}};
  for (const auto& [name, spec] : parameterised) {
    cases.push_back(
        {"dense_" + name, standard("dense", {{"units", 5}, {"activation", spec}}), Shape{13}});
    cases.push_back(
        {"activation_" + name, standard("activation", {{"activation", spec}}), Shape{6}});
  }
  cases.push_back({"dense_l1_l2",
                   standard("dense", {{"units", 4},
                                      {"activation", "tanh"},
                                      {"kernel_regularizer", {{"l1", 0.01}, {"l2", 0.02}}},
                                      {"bias_regularizer", "l2"}}),
                   Shape{3}});
  cases.push_back(
      {"dense_no_bias", standard("dense", {{"units", 1}, {"use_bias", false}}), Shape{1}});
  cases.push_back({"dense_image_input", standard("dense", {{"units", 3}}), Shape{2, 3}});
  cases.push_back({"dropout_training", standard("dropout", {{"rate", 0.3}}), Shape{9}});
  cases.push_back({"dropout_evaluation", standard("dropout", {{"rate", 0.3}}), Shape{9}, false});
  cases.push_back({"dropout_rate_0", standard("dropout", {{"rate", 0}}), Shape{9}});
  cases.push_back({"batch_norm_training", standard("batch_normalization", {}), Shape{5}});
  cases.push_back({"batch_norm_evaluation", standard("batch_normalization", {}), Shape{5}, false});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Bundled, LayerGradientCheck, ::testing::ValuesIn(bundledLayers()),
                         testing::CaseName{});

// Batch norm with one sample normalises to zero: its input gradient is exactly zero.
TEST(BatchNormalization, WithOneSampleHasZeroInputGradient) {
  LayerHarness harness(standard("batch_normalization", {}), Shape{4});
  Rng rng(1);
  const Matrix x = randomMatrix(1, 4, rng);
  const Matrix w = randomMatrix(1, 4, rng);
  const Matrix dIn = harness.backward(x, w, true);
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
      EXPECT_LT(testing::gradientMismatch(grad.data()[i], numeric), 2e-2)
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
