// Weight constraints: Keras' closed forms on a small kernel (axis 0 is one norm per unit), and
// a dense layer's weights satisfy them after every epoch of training, also resumed from a
// checkpoint.
#include <gtest/gtest.h>

#include <cmath>

#include "backends/reference/ReferenceBackend.h"
#include "core/Constraint.h"
#include "core/Error.h"
#include "core/LayerRegistry.h"
#include "core/Trainer.h"
#include "core/layers/StandardLayers.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

// A dense kernel of shape (inputs 2, units 3). Unit norms (axis 0): 5, 0.5, sqrt(2).
const std::vector<float> kKernel = {3.0F, 0.0F, 1.0F,  //
                                    4.0F, 0.5F, -1.0F};
const Shape kKernelShape{2, 3};

std::vector<float> constrained(const nlohmann::json& spec, std::vector<float> w = kKernel,
                               const Shape& shape = kKernelShape) {
  parseConstraint(spec, shape.dims.size()).apply(w, shape);
  return w;
}

void expectNear(const std::vector<float>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], 2e-6) << "weight " << i;
  }
}

TEST(Constraint, MaxNormScalesDownEachUnitsIncomingWeights) {
  // max_value 2: unit 0 (norm 5) is scaled by 2/5; the others are within (Keras still divides
  // by norm + 1e-7, a change far below float precision here).
  expectNear(constrained({{"type", "max_norm"}}), {1.2, 0.0, 1.0, 1.6, 0.5, -1.0});
  expectNear(constrained("max_norm"), {1.2, 0.0, 1.0, 1.6, 0.5, -1.0});
  expectNear(constrained({{"type", "max_norm"}, {"max_value", 1.0}}),
             {0.6, 0.0, 1.0 / std::sqrt(2.0), 0.8, 0.5, -1.0 / std::sqrt(2.0)});
  // axis 1 (or -1): one norm per input row: sqrt(10) and sqrt(17.25).
  const double a = 2.0 / std::sqrt(10.0);
  const double b = 2.0 / std::sqrt(17.25);
  const std::vector<double> byRow = {3 * a, 0, a, 4 * b, 0.5 * b, -b};
  expectNear(constrained({{"type", "max_norm"}, {"axis", 1}}), byRow);
  expectNear(constrained({{"type", "max_norm"}, {"axis", -1}}), byRow);
  // Both axes: one norm for the whole kernel, sqrt(27.25).
  const double c = 2.0 / std::sqrt(27.25);
  expectNear(constrained({{"type", "max_norm"}, {"axis", {0, 1}}}),
             {3 * c, 0, c, 4 * c, 0.5 * c, -c});
}

TEST(Constraint, UnitNormNonNegAndMinMaxNorm) {
  const double r = 1.0 / std::sqrt(2.0);
  expectNear(constrained("unit_norm"), {0.6, 0.0, r, 0.8, 1.0, -r});
  expectNear(constrained("non_neg"), {3.0, 0.0, 1.0, 4.0, 0.5, 0.0});
  // Defaults min 0, max 1, rate 1: unit norms 5 -> 1, 0.5 stays, sqrt2 -> 1.
  expectNear(constrained("min_max_norm"), {0.6, 0.0, r, 0.8, 0.5, -r});
  // rate 0.5 moves half way: norm 5 -> 0.5*2 + 0.5*5 = 3.5; 0.5 -> 0.5*1 + 0.5*0.5 = 0.75.
  expectNear(constrained(
                 {{"type", "min_max_norm"}, {"min_value", 1.0}, {"max_value", 2.0}, {"rate", 0.5}}),
             {2.1, 0.0, 1.0, 2.8, 0.75, -1.0});
}

TEST(Constraint, ABiasIsOneVector) {
  expectNear(constrained("max_norm", {3.0F, 4.0F}, Shape{2}), {1.2, 1.6});
  expectNear(constrained({{"type", "unit_norm"}, {"axis", -1}}, {3.0F, 4.0F}, Shape{2}),
             {0.6, 0.8});
}

TEST(Constraint, KerasClassNamesAreAliases) {
  EXPECT_EQ(parseConstraint("MaxNorm", 2), parseConstraint("max_norm", 2));
  EXPECT_EQ(parseConstraint("NonNeg", 2), parseConstraint("non_neg", 2));
  EXPECT_EQ(parseConstraint("UnitNorm", 2), parseConstraint("unit_norm", 2));
  EXPECT_EQ(parseConstraint({{"type", "MinMaxNorm"}}, 2), parseConstraint("min_max_norm", 2));
  EXPECT_FALSE(parseConstraint(nullptr, 2).active());
}

void expectConfigError(const nlohmann::json& spec, std::size_t rank, const std::string& key,
                       const std::string& fragment) {
  try {
    parseConstraint(spec, rank);
    ADD_FAILURE() << "accepted " << spec;
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.keyPath(), key) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Constraint, BadNamesKeysAndValuesNameTheKey) {
  expectConfigError("maxnorm", 2, "", "did you mean 'max_norm'");
  expectConfigError({{"type", "max_norm"}, {"max_valu", 1}}, 2, "max_valu",
                    "did you mean 'max_value'");
  expectConfigError({{"type", "max_norm"}, {"max_value", -1}}, 2, "max_value", ">= 0");
  expectConfigError({{"type", "max_norm"}, {"axis", 2}}, 2, "axis", "[-2, 1]");
  expectConfigError({{"type", "max_norm"}, {"axis", 1}}, 1, "axis", "[-1, 0]");
  expectConfigError({{"type", "unit_norm"}, {"axis", "rows"}}, 2, "axis", "integer");
  expectConfigError({{"type", "min_max_norm"}, {"rate", 1.5}}, 2, "rate", "<= 1");
  expectConfigError({{"type", "min_max_norm"}, {"min_value", 2}}, 2, "max_value",
                    "below min_value");
  expectConfigError({{"type", "non_neg"}, {"axis", 0}}, 2, "axis", "unknown key");
}

// Two noisy Gaussian blobs in 4-D, a problem a small MLP learns with large weights.
Dataset blobs(std::size_t n) { return test::twoBlobs(n, 1, 2.0F); }

constexpr float kMaxNorm = 0.3F;

struct Model {
  LayerRegistry registry;
  ReferenceBackend backend;
  std::unique_ptr<Loss> loss = makeLoss("binary_crossentropy");
  std::optional<Graph> graph;

  Model(bool constrained, std::uint64_t seed) {
    registerStandardLayers(registry);
    nlohmann::json hidden = {{"units", 8}, {"activation", "relu"}};
    if (constrained) {
      hidden["kernel_constraint"] = {{"type", "max_norm"}, {"max_value", kMaxNorm}};
      hidden["bias_constraint"] = "non_neg";
    }
    graph.emplace(std::vector<LayerSpec>{{"dense", hidden},
                                         {"dense", {{"units", 1}, {"activation", "sigmoid"}}}},
                  Shape{4}, *loss, registry);
    Rng init(seed);
    graph->initialize(init);
  }

  // The largest norm of a hidden unit's incoming weights, and the smallest hidden bias.
  std::pair<float, float> hiddenExtremes() const {
    const std::span<const float> p = graph->params();
    float maxNorm = 0.0F;
    for (std::size_t unit = 0; unit < 8; ++unit) {
      double sum = 0.0;
      for (std::size_t in = 0; in < 4; ++in) sum += p[in * 8 + unit] * p[in * 8 + unit];
      maxNorm = std::max(maxNorm, static_cast<float>(std::sqrt(sum)));
    }
    return {maxNorm, *std::min_element(p.begin() + 32, p.begin() + 40)};
  }
};

FitOptions sgd(int epochs) {
  FitOptions o;
  o.epochs = epochs;
  o.batchSize = 16;
  o.optimizer = parseOptimizer({{"type", "sgd"}, {"learning_rate", 0.5}});
  return o;
}

// Checks the hidden layer after each epoch (its last optimizer step).
EpochCallback checkEveryEpoch(const Model& m) {
  return [&m](const EpochRecord& record) {
    const auto [norm, bias] = m.hiddenExtremes();
    EXPECT_LE(norm, kMaxNorm * (1.0F + 1e-6F)) << "epoch " << record.epoch;
    EXPECT_GE(bias, 0.0F) << "epoch " << record.epoch;
    return true;
  };
}

TEST(Constraint, HoldsAfterTrainingStepsAndAfterAResume) {
  const Dataset train = blobs(256);
  // Without the constraints, training takes the weights beyond them: the test can fail.
  Model free(false, 3);
  Trainer(*free.graph, free.backend, *free.loss, sgd(4), Rng(4)).fit(train, nullptr);
  EXPECT_GT(free.hiddenExtremes().first, 2 * kMaxNorm);
  EXPECT_LT(free.hiddenExtremes().second, 0.0F);

  Model whole(true, 3);
  Trainer(*whole.graph, whole.backend, *whole.loss, sgd(4), Rng(4))
      .fit(train, nullptr, checkEveryEpoch(whole));

  Model first(true, 3);
  Trainer part(*first.graph, first.backend, *first.loss, sgd(2), Rng(4));
  part.fit(train, nullptr, checkEveryEpoch(first));
  Model second(true, 99);
  Trainer resumed(*second.graph, second.backend, *second.loss, sgd(4), Rng(1234));
  resumed.restore(part.checkpoint());
  resumed.fit(train, nullptr, checkEveryEpoch(second));
  const auto a = whole.graph->params();
  const auto b = second.graph->params();
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end()));
}

TEST(Constraint, DenseRefusesMatrixOnlyOptionsOnItsBias) {
  LayerRegistry registry;
  registerStandardLayers(registry);
  const auto expectRefused = [&](const nlohmann::json& options, const std::string& key) {
    try {
      registry.create("dense", options);
      ADD_FAILURE() << "accepted " << options;
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.keyPath(), key) << e.what();
      EXPECT_NE(std::string(e.what()).find("2-D"), std::string::npos) << e.what();
    }
  };
  expectRefused({{"units", 2}, {"bias_initializer", "orthogonal"}}, "bias_initializer");
  expectRefused({{"units", 2}, {"bias_initializer", "identity"}}, "bias_initializer");
  expectRefused({{"units", 2}, {"bias_regularizer", "orthogonal_regularizer"}}, "bias_regularizer");
  try {
    registry.create("dense",
                    {{"units", 2}, {"kernel_constraint", {{"type", "max_norm"}, {"axis", 3}}}});
    ADD_FAILURE();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.keyPath(), "kernel_constraint.axis") << e.what();
  }
}

}  // namespace
}  // namespace tunelab
