// Layer behaviour users rely on: Keras parameter counts, dropout and batch norm semantics,
// and clear errors for bad settings.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "backends/reference/ReferenceBackend.h"
#include "core/Error.h"
#include "core/Graph.h"
#include "core/LayerRegistry.h"
#include "core/layers/StandardLayers.h"

namespace tunelab {
namespace {

LayerRegistry standardRegistry() {
  LayerRegistry r;
  registerStandardLayers(r);
  return r;
}

TEST(Layers, MagicModelSummaryHasKerasParameterCounts) {
  const auto registry = standardRegistry();
  const auto loss = makeLoss("binary_crossentropy");
  const Graph graph({{"dense", {{"units", 64}, {"activation", "relu"}}},
                     {"dropout", {{"rate", 0.2}}},
                     {"dense", {{"units", 64}, {"activation", "relu"}}},
                     {"dropout", {{"rate", 0.2}}},
                     {"dense", {{"units", 1}, {"activation", "sigmoid"}}}},
                    Shape{10}, *loss, registry);
  const auto rows = graph.summary();
  const std::size_t expected[] = {704, 0, 4160, 0, 65};
  ASSERT_EQ(rows.size(), 5U);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(rows[i].trainable, expected[i]) << i;
  EXPECT_EQ(graph.params().size(), 4929U);
  const std::string text = graph.summaryText();
  EXPECT_NE(text.find("Total params: 4,929"), std::string::npos) << text;
  EXPECT_NE(text.find("dense_1 (Dense)"), std::string::npos) << text;
}

TEST(Layers, BatchNormCountsTrainableAndNonTrainable) {
  const auto registry = standardRegistry();
  const auto loss = makeLoss("mse");
  const Graph graph({{"batch_normalization", {}}, {"dense", {{"units", 1}}}}, Shape{64}, *loss,
                    registry);
  EXPECT_EQ(graph.summary()[0].trainable, 128U);
  EXPECT_EQ(graph.summary()[0].nonTrainable, 128U);
  EXPECT_NE(graph.summaryText().find("Non-trainable params: 128"), std::string::npos);
}

TEST(Layers, DropoutIsIdentityAtEvaluationAndKeepsTheMeanInTraining) {
  const auto registry = standardRegistry();
  auto dropout = registry.create("dropout", {{"rate", 0.3}});
  ReferenceBackend backend;
  Rng rng(5);
  Matrix x(200, 100, 1.0F);
  Matrix y(200, 100);
  LayerContext eval{backend, rng, false};
  dropout->forward(eval, x.cview(), y.view());
  for (float v : y.values()) ASSERT_EQ(v, 1.0F);
  LayerContext train{backend, rng, true};
  dropout->forward(train, x.cview(), y.view());
  std::size_t zeros = 0;
  double sum = 0;
  for (float v : y.values()) {
    zeros += v == 0.0F ? 1 : 0;
    sum += v;
  }
  EXPECT_NEAR(static_cast<double>(zeros) / 20000.0, 0.3, 0.015);
  EXPECT_NEAR(sum / 20000.0, 1.0, 0.03);
}

TEST(Layers, BatchNormMovingStatisticsConvergeAndAreUsedAtEvaluation) {
  const auto registry = standardRegistry();
  auto bn = registry.create("batch_normalization", {{"momentum", 0.9}});
  std::vector<float> params(bn->parameterCount(Shape{2}));
  std::vector<float> grads(params.size());
  std::vector<float> state(bn->stateCount(Shape{2}));
  bn->bind(Shape{2}, {params, grads, state});
  Rng rng(1);
  bn->initialize(rng);
  ReferenceBackend backend;
  Matrix x(64, 2);
  Matrix y(64, 2);
  for (int step = 0; step < 200; ++step) {
    for (std::size_t r = 0; r < 64; ++r) {
      x(r, 0) = static_cast<float>(3.0 + 2.0 * rng.normal());
      x(r, 1) = static_cast<float>(-1.0 + 0.5 * rng.normal());
    }
    LayerContext ctx{backend, rng, true};
    bn->forward(ctx, x.cview(), y.view());
  }
  EXPECT_NEAR(state[0], 3.0, 0.2);
  EXPECT_NEAR(state[1], -1.0, 0.05);
  EXPECT_NEAR(state[2], 4.0, 0.4);
  EXPECT_NEAR(state[3], 0.25, 0.03);
  // Evaluation: (x - moving_mean) / sqrt(moving_var + eps), gamma 1, beta 0.
  Matrix one(1, 2);
  one(0, 0) = state[0];
  one(0, 1) = state[1] + std::sqrt(state[3] + 1e-3F);
  Matrix out(1, 2);
  LayerContext eval{backend, rng, false};
  bn->forward(eval, one.cview(), out.view());
  EXPECT_NEAR(out(0, 0), 0.0F, 1e-5F);
  EXPECT_NEAR(out(0, 1), 1.0F, 1e-5F);
}

void expectConfigError(const std::string& type, const nlohmann::json& options,
                       const std::string& key, const std::string& fragment) {
  const auto registry = standardRegistry();
  try {
    registry.create(type, options);
    FAIL() << "no error for " << options.dump();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.keyPath(), key) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Layers, BadSettingsGiveClearErrors) {
  expectConfigError("dense", {{"units", -4}}, "units", ">= 1");
  expectConfigError("dense", {{"units", 2.5}}, "units", "whole number");
  expectConfigError("dense", {{"units", 4}, {"activation", "rellu"}}, "activation",
                    "did you mean 'relu'");
  expectConfigError("dense", {{"units", 4}, {"activaton", "relu"}}, "activaton",
                    "did you mean 'activation'");
  expectConfigError("dropout", {{"rate", 1.5}}, "rate", "< 1");
  expectConfigError("dense", {{"units", 4}, {"kernel_initializer", "glorot"}}, "kernel_initializer",
                    "glorot_uniform");
  const auto registry = standardRegistry();
  try {
    registry.create("dens", {});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'dense'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("batch_normalization"), std::string::npos);
  }
}

TEST(Layers, OutputLayerMustFitTheLoss) {
  const auto registry = standardRegistry();
  const auto bce = makeLoss("binary_crossentropy");
  try {
    const Graph graph({{"dense", {{"units", 3}, {"activation", "sigmoid"}}}}, Shape{4}, *bce,
                      registry);
    FAIL() << graph.layerCount();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.keyPath(), "layers[0]");
    EXPECT_NE(std::string(e.what()).find("3 units"), std::string::npos) << e.what();
  }
  const auto cce = makeLoss("sparse_categorical_crossentropy");
  EXPECT_THROW(Graph({{"dense", {{"units", 3}, {"activation", "relu"}}}}, Shape{4}, *cce, registry),
               ConfigError);
}

// The graph skips a dropout where it passes its input through (at rate 0, and at evaluation):
// a model with it computes the same bits as the model without it.
TEST(Layers, ADropoutThatPassesThroughChangesNoBit) {
  const auto registry = standardRegistry();
  const auto loss = makeLoss("binary_crossentropy");
  const nlohmann::json dense8 = {{"units", 8}, {"activation", "relu"}};
  const nlohmann::json out1 = {{"units", 1}, {"activation", "sigmoid"}};
  Graph plain({{"dense", dense8}, {"dense", out1}}, Shape{5}, *loss, registry);
  Graph rate0({{"dense", dense8}, {"dropout", {{"rate", 0}}}, {"dense", out1}}, Shape{5}, *loss,
              registry);
  Graph rate5({{"dense", dense8}, {"dropout", {{"rate", 0.5}}}, {"dense", out1}}, Shape{5}, *loss,
              registry);
  ReferenceBackend backend;
  Rng init(3);
  plain.initialize(init);
  for (Graph* g : {&rate0, &rate5})
    std::copy_n(plain.params().begin(), plain.params().size(), g->params().begin());
  Rng data(4);
  Matrix x(6, 5);
  Matrix dOut(6, 1);
  for (float& v : x.values()) v = static_cast<float>(data.normal());
  for (float& v : dOut.values()) v = static_cast<float>(data.normal());
  auto pass = [&](Graph& g, bool training) {
    Rng rng(9);
    LayerContext ctx{backend, rng, training};
    const ConstMatrixView y = g.forward(ctx, x.cview());
    std::vector<float> result(y.data, y.data + y.rows);
    if (training) {
      g.backward(ctx, x.cview(), dOut.cview());
      result.insert(result.end(), g.grads().begin(), g.grads().end());
    }
    return result;
  };
  const std::vector<float> trained = pass(plain, true);
  const std::vector<float> evaluated = pass(plain, false);
  const std::vector<float> rate0Trained = pass(rate0, true);
  EXPECT_EQ(std::memcmp(rate0Trained.data(), trained.data(), trained.size() * sizeof(float)), 0);
  EXPECT_EQ(pass(rate0, false), evaluated);
  EXPECT_EQ(pass(rate5, false), evaluated);
  EXPECT_NE(pass(rate5, true), trained);  // the check above can tell a mask from none
}

// A scale per feature that wrongly says it passes its input through: it has parameters, so
// the graph runs it anyway (the kit tells its author; the graph does not trust the claim).
class ScaleClaimingToPassThrough final : public Layer {
 public:
  std::string_view type() const override { return "scale"; }
  Shape outputShape(const Shape& input) const override { return input; }
  std::size_t parameterCount(const Shape& input) const override { return input.elements(); }
  void bind(const Shape& /*input*/, const LayerBuffers& buffers) override { buffers_ = buffers; }
  void initialize(Rng& /*rng*/) override {
    std::fill(buffers_.params.begin(), buffers_.params.end(), 3.0F);
  }
  bool passesThrough(bool /*training*/) const override { return true; }
  void forward(LayerContext& /*ctx*/, ConstMatrixView in, MatrixView out) override {
    for (std::size_t r = 0; r < in.rows; ++r) {
      for (std::size_t c = 0; c < in.cols; ++c) out(r, c) = in(r, c) * buffers_.params[c];
    }
  }
  void backward(LayerContext& /*ctx*/, ConstMatrixView /*in*/, ConstMatrixView /*out*/,
                ConstMatrixView /*dOut*/, MatrixView /*dIn*/) override {}

 private:
  LayerBuffers buffers_;
};

TEST(Layers, TheGraphRunsALayerWithParametersWhateverItClaims) {
  LayerRegistry registry = standardRegistry();
  registry.add(
      "scale",
      [](const nlohmann::json&) -> std::unique_ptr<Layer> {
        return std::make_unique<ScaleClaimingToPassThrough>();
      },
      "this test");
  const auto loss = makeLoss("mse");
  Graph graph({{"scale", {}}, {"dense", {{"units", 1}, {"use_bias", false}}}}, Shape{2}, *loss,
              registry);
  Rng rng(1);
  graph.initialize(rng);
  std::fill(graph.params().begin() + 2, graph.params().end(), 1.0F);  // the dense kernel
  ReferenceBackend backend;
  LayerContext ctx{backend, rng, false};
  const Matrix x(1, 2, 1.0F);
  EXPECT_EQ(graph.forward(ctx, x.cview())(0, 0), 6.0F);  // 3 + 3, not 1 + 1
}

}  // namespace
}  // namespace tunelab
