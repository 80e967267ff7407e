// Each optimizer's update equals the one computed by hand from Keras' formulas.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>

#include "core/Error.h"
#include "core/Optimizer.h"

namespace tunelab {
namespace {

// Runs `steps` updates of a one-parameter model from p = 1 with gradient g(p) = 2p (L = p^2).
std::vector<float> trajectory(const nlohmann::json& spec, int steps) {
  auto opt = makeOptimizer(parseOptimizer(spec));
  opt->initialize(1);
  std::vector<float> p{1.0F};
  std::vector<float> out;
  for (int i = 0; i < steps; ++i) {
    std::vector<float> g{2.0F * p[0]};
    opt->step(p, g, opt->learningRate());
    out.push_back(p[0]);
  }
  return out;
}

TEST(Optimizer, SgdPlain) {
  // p1 = 1 - 0.1*2 = 0.8; p2 = 0.8 - 0.1*1.6 = 0.64
  const auto p = trajectory({{"type", "sgd"}, {"learning_rate", 0.1}}, 2);
  EXPECT_FLOAT_EQ(p[0], 0.8F);
  EXPECT_FLOAT_EQ(p[1], 0.64F);
}

TEST(Optimizer, SgdMomentum) {
  // m1 = -0.2, p1 = 0.8; m2 = 0.9*-0.2 - 0.1*1.6 = -0.34, p2 = 0.46
  const auto p = trajectory({{"type", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}}, 2);
  EXPECT_FLOAT_EQ(p[0], 0.8F);
  EXPECT_FLOAT_EQ(p[1], 0.46F);
}

TEST(Optimizer, SgdNesterov) {
  // m1 = -0.2, p1 = 1 + 0.9*-0.2 - 0.2 = 0.62; g2 = 1.24: m2 = -0.18 - 0.124 = -0.304,
  // p2 = 0.62 + 0.9*-0.304 - 0.124 = 0.2224
  const auto p = trajectory(
      {{"type", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", true}}, 2);
  EXPECT_FLOAT_EQ(p[0], 0.62F);
  EXPECT_NEAR(p[1], 0.2224F, 1e-6F);
}

TEST(Optimizer, RmsProp) {
  // v1 = 0.1*4 = 0.4; p1 = 1 - 0.01*2/sqrt(0.4 + 1e-7)
  const auto p = trajectory({{"type", "rmsprop"}, {"learning_rate", 0.01}}, 1);
  EXPECT_NEAR(p[0], 1.0 - 0.01 * 2.0 / std::sqrt(0.4 + 1e-7), 1e-6);
}

TEST(Optimizer, Adagrad) {
  // acc1 = 0.1 + 4 = 4.1; p1 = 1 - 0.1*2/sqrt(4.1 + 1e-7)
  const auto p = trajectory({{"type", "adagrad"}, {"learning_rate", 0.1}}, 1);
  EXPECT_NEAR(p[0], 1.0 - 0.1 * 2.0 / std::sqrt(4.1 + 1e-7), 1e-6);
}

TEST(Optimizer, AdamFirstTwoSteps) {
  // Step 1: m = 0.2, v = 0.004; alpha = 0.1*sqrt(0.001)/0.1; p1 = 1 - alpha*0.2/(sqrt(0.004)+eps)
  const auto p = trajectory({{"type", "adam"}, {"learning_rate", 0.1}}, 2);
  const double eps = 1e-7;
  double m = 0.2;
  double v = 0.004;
  double alpha = 0.1 * std::sqrt(1 - 0.999) / (1 - 0.9);
  const double p1 = 1.0 - alpha * m / (std::sqrt(v) + eps);
  EXPECT_NEAR(p[0], p1, 1e-6);
  EXPECT_NEAR(p[0], 0.9, 1e-4);  // Adam's first step moves by about the learning rate
  const double g2 = 2.0 * p1;
  m = 0.9 * m + 0.1 * g2;
  v = 0.999 * v + 0.001 * g2 * g2;
  alpha = 0.1 * std::sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9);
  EXPECT_NEAR(p[1], p1 - alpha * m / (std::sqrt(v) + eps), 1e-6);
}

TEST(Optimizer, AdamWDecaysWeightsBeforeTheAdamStep) {
  const auto adam = trajectory({{"type", "adam"}, {"learning_rate", 0.1}}, 1);
  const auto adamw =
      trajectory({{"type", "adamw"}, {"learning_rate", 0.1}, {"weight_decay", 0.5}}, 1);
  // p = 1 * (1 - 0.1*0.5) = 0.95, then the same Adam step (gradient computed at p = 1).
  EXPECT_NEAR(adamw[0], adam[0] - 0.05, 1e-6);
}

TEST(Optimizer, ClipnormScalesEachTensorToTheNorm) {
  auto opt = makeOptimizer(
      parseOptimizer({{"type", "sgd"}, {"learning_rate", 1.0}, {"clipnorm", 1.0}}), {0, 2, 3});
  opt->initialize(3);
  std::vector<float> p{0, 0, 0};
  std::vector<float> g{3, 4, 0.5F};  // first tensor norm 5 -> scaled to 1; second stays
  opt->step(p, g, 1.0F);
  EXPECT_FLOAT_EQ(p[0], -0.6F);
  EXPECT_FLOAT_EQ(p[1], -0.8F);
  EXPECT_FLOAT_EQ(p[2], -0.5F);
}

TEST(Optimizer, GlobalClipnormAndClipvalue) {
  auto global = makeOptimizer(
      parseOptimizer({{"type", "sgd"}, {"learning_rate", 1.0}, {"global_clipnorm", 1.0}}));
  global->initialize(2);
  std::vector<float> p{0, 0};
  std::vector<float> g{3, 4};
  global->step(p, g, 1.0F);
  EXPECT_FLOAT_EQ(p[0], -0.6F);
  auto value =
      makeOptimizer(parseOptimizer({{"type", "sgd"}, {"learning_rate", 1.0}, {"clipvalue", 0.5}}));
  value->initialize(2);
  std::vector<float> q{0, 0};
  std::vector<float> h{3, -0.25F};
  value->step(q, h, 1.0F);
  EXPECT_FLOAT_EQ(q[0], -0.5F);
  EXPECT_FLOAT_EQ(q[1], 0.25F);
}

TEST(Optimizer, SavedStateContinuesBitForBit) {
  for (const char* type : {"sgd", "rmsprop", "adagrad", "adam", "adamw"}) {
    nlohmann::json spec = {{"type", type}, {"learning_rate", 0.05}};
    if (std::string(type) == "sgd") spec["momentum"] = 0.9;
    auto whole = makeOptimizer(parseOptimizer(spec));
    auto first = makeOptimizer(parseOptimizer(spec));
    auto second = makeOptimizer(parseOptimizer(spec));
    whole->initialize(3);
    first->initialize(3);
    second->initialize(3);
    std::vector<float> a{1, -2, 3};
    std::vector<float> b = a;
    for (int i = 0; i < 6; ++i) {
      std::vector<float> ga{a[0], a[1] * 2, a[2] * 3};
      whole->step(a, ga, 0.05F);
      if (i < 3) {
        std::vector<float> gb{b[0], b[1] * 2, b[2] * 3};
        first->step(b, gb, 0.05F);
      } else {
        if (i == 3) second->loadState(first->saveState());
        std::vector<float> gb{b[0], b[1] * 2, b[2] * 3};
        second->step(b, gb, 0.05F);
      }
    }
    EXPECT_EQ(a, b) << type;
  }
}

// Each slot starts on a cache line in memory (padded), but the saved state is the slots' values
// one after another and the step count, as checkpoints of earlier versions hold it.
TEST(Optimizer, SavedStateIsTheSlotsWithoutPaddingThenTheStepCount) {
  auto adam = makeOptimizer(parseOptimizer({{"type", "adam"}, {"learning_rate", 0.1}}));
  adam->initialize(3);
  std::vector<float> p{1, 2, 3};
  std::vector<float> g{0.5F, -1, 2};
  adam->step(p, g, 0.1F);
  const std::vector<float> state = adam->saveState();
  ASSERT_EQ(state.size(), 2U * 3U + 1U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_FLOAT_EQ(state[i], (1.0F - 0.9F) * g[i]) << "m " << i;
    EXPECT_FLOAT_EQ(state[3 + i], (1.0F - 0.999F) * g[i] * g[i]) << "v " << i;
  }
  EXPECT_EQ(std::bit_cast<std::uint32_t>(state.back()), 1U);
}

TEST(Optimizer, EveryOptimizerMinimisesAQuadratic) {
  for (const char* type : {"sgd", "rmsprop", "adagrad", "adam", "adamw"}) {
    const auto p = trajectory({{"type", type}, {"learning_rate", 0.05}}, 400);
    EXPECT_LT(std::fabs(p.back()), std::string(type) == "adagrad" ? 0.5F : 0.05F) << type;
  }
}

TEST(Optimizer, BadSettingsNameTheKey) {
  try {
    makeOptimizer(parseOptimizer({{"type", "adam"}, {"learning_rate", -1}}));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.keyPath(), "learning_rate");
  }
  try {
    makeOptimizer(parseOptimizer({{"type", "sgd"}, {"momentun", 0.9}}));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'momentum'"), std::string::npos) << e.what();
  }
  try {
    parseOptimizer("adamm");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("rmsprop"), std::string::npos);
  }
}

}  // namespace
}  // namespace tunelab
