// The optimizers Keras has beyond the classic five (adadelta, adamax, nadam, ftrl, lion, lamb)
// and Keras' common arguments: each update matches PyTorch's or a double-precision loop written
// here from Keras' formulas, every optimizer resumes bit for bit from its saved state, and bad
// settings are refused naming the key.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "core/Error.h"
#include "core/Optimizer.h"

namespace tunelab {
namespace {

using Trajectory = std::vector<std::array<double, 3>>;

// The problem of tests/tools/optimizer_reference.py: p0 = (1, -2, 0.5), gradient a p + b.
constexpr std::array<double, 3> kA{1.0, 3.0, 0.5};
constexpr std::array<double, 3> kB{0.1, -0.2, 0.3};
constexpr std::array<double, 3> kStart{1.0, -2.0, 0.5};

std::array<double, 3> gradient(const std::array<double, 3>& p) {
  return {kA[0] * p[0] + kB[0], kA[1] * p[1] + kB[1], kA[2] * p[2] + kB[2]};
}

Trajectory run(const nlohmann::json& spec, int steps, std::vector<std::size_t> bounds = {}) {
  auto opt = makeOptimizer(parseOptimizer(spec), std::move(bounds));
  opt->initialize(3);
  std::vector<float> p(kStart.begin(), kStart.end());
  Trajectory out;
  for (int s = 0; s < steps; ++s) {
    const auto g = gradient({p[0], p[1], p[2]});
    std::vector<float> grads(g.begin(), g.end());
    opt->step(p, grads, opt->learningRate());
    out.push_back({p[0], p[1], p[2]});
  }
  return out;
}

void expectNear(const Trajectory& actual, const Trajectory& expected, double tolerance) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t s = 0; s < expected.size(); ++s) {
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_NEAR(actual[s][i], expected[s][i], tolerance) << "step " << s + 1 << " p" << i;
    }
  }
}

// The expected trajectories below are printed by tests/tools/optimizer_reference.py (PyTorch
// 1.13, float64).

TEST(KerasOptimizer, AdadeltaMatchesPyTorch) {
  const Trajectory torch = {{0.900410679353, -1.90001300475, 0.40161300899},
                            {0.802976720514, -1.79987235395, 0.305386302995},
                            {0.710441912941, -1.70138598911, 0.213953744271},
                            {0.624063209571, -1.60545973091, 0.128524211363},
                            {0.544371813823, -1.51260196442, 0.0496107279898}};
  expectNear(
      run({{"type", "adadelta"}, {"learning_rate", 1.0}, {"rho", 0.9}, {"epsilon", 1e-3}}, 5),
      torch, 1e-5);
}

TEST(KerasOptimizer, AdamaxMatchesPyTorch) {
  // PyTorch adds epsilon inside the max (u = max(beta_2 u, |g| + eps)), Keras to the
  // denominator (u + eps): the two differ by less than 1e-7 here.
  const Trajectory torch = {{0.900000009091, -1.90000000161, 0.400000018182},
                            {0.804689395694, -1.80244914159, 0.304689413014},
                            {0.714079243564, -1.70739335211, 0.214079268264},
                            {0.628167919332, -1.61487436494, 0.128167950579},
                            {0.546940882359, -1.52492947435, 0.0469409193382}};
  expectNear(run({{"type", "adamax"}, {"learning_rate", 0.1}}, 5), torch, 1e-5);
}

TEST(KerasOptimizer, NadamMatchesPyTorchWithKerasMomentumSchedule) {
  // Keras' momentum coefficient is beta_1 (1 - 0.5 * 0.96^t): PyTorch's NAdam with
  // momentum_decay=1 (its default, 0.004, would be another optimizer), foreach=True (torch
  // 1.13's single-tensor path multiplies mu into the next product twice).
  const Trajectory torch = {{0.893721230337, -1.89372122239, 0.393721239999},
                            {0.819864643297, -1.81815998737, 0.319864659661},
                            {0.753737931514, -1.74956940852, 0.25373795393},
                            {0.690044392194, -1.68264718873, 0.190044420471},
                            {0.62713113134, -1.61563595543, 0.127131165412}};
  expectNear(run({{"type", "nadam"}, {"learning_rate", 0.1}}, 5), torch, 1e-5);
}

TEST(KerasOptimizer, AdamwMatchesPyTorch) {
  const Trajectory torch = {{0.850000009091, -1.80000000161, 0.375000018182},
                            {0.708147110813, -1.61039377206, 0.256744488749},
                            {0.574568096397, -1.43095441442, 0.145279374192},
                            {0.44946787656, -1.26148861868, 0.0406885062392},
                            {0.333126021601, -1.101833694, -0.0569110041667}};
  expectNear(run({{"type", "adamw"}, {"learning_rate", 0.1}, {"weight_decay", 0.5}}, 5), torch,
             1e-5);
}

// keras/src/optimizers/ftrl.py, in double precision.
Trajectory ftrlByHand(double lr, double l1, double l2, double shrinkage, double beta) {
  std::array<double, 3> p = kStart;
  std::array<double, 3> accumulator{0.1, 0.1, 0.1};
  std::array<double, 3> linear{};
  Trajectory out;
  for (int s = 0; s < 5; ++s) {
    const auto g = gradient(p);
    for (std::size_t i = 0; i < 3; ++i) {
      const double next = accumulator[i] + g[i] * g[i];
      linear[i] +=
          g[i] + 2 * shrinkage * p[i] - (std::sqrt(next) - std::sqrt(accumulator[i])) / lr * p[i];
      const double quadratic = std::sqrt(next) / lr + 2 * (l2 + beta / (2 * lr));
      p[i] = (std::clamp(linear[i], -l1, l1) - linear[i]) / quadratic;
      accumulator[i] = next;
    }
    out.push_back(p);
  }
  return out;
}

TEST(KerasOptimizer, FtrlFollowsKerasFormulas) {
  expectNear(run({{"type", "ftrl"}, {"learning_rate", 0.5}}, 5), ftrlByHand(0.5, 0, 0, 0, 0), 1e-5);
  expectNear(run({{"type", "ftrl"},
                  {"learning_rate", 0.5},
                  {"l1_regularization_strength", 0.05},
                  {"l2_regularization_strength", 0.2},
                  {"l2_shrinkage_regularization_strength", 0.1},
                  {"beta", 0.3}},
                 5),
             ftrlByHand(0.5, 0.05, 0.2, 0.1, 0.3), 1e-5);
}

TEST(KerasOptimizer, FtrlL1SetsSmallWeightsToExactlyZero) {
  // |linear| <= l1 makes the weight exactly 0: FTRL's sparsity.
  const auto p =
      run({{"type", "ftrl"}, {"learning_rate", 0.5}, {"l1_regularization_strength", 100}}, 3);
  for (double v : p.back()) EXPECT_EQ(v, 0.0);
}

TEST(KerasOptimizer, LionStepsByTheLearningRateInTheSignOfTheInterpolation) {
  std::array<double, 3> p = kStart;
  std::array<double, 3> m{};
  Trajectory expected;
  for (int s = 0; s < 5; ++s) {
    const auto g = gradient(p);
    for (std::size_t i = 0; i < 3; ++i) {
      const double direction = 0.9 * m[i] + 0.1 * g[i];
      p[i] -= 0.1 * ((direction > 0) - (direction < 0));
      m[i] = 0.99 * m[i] + 0.01 * g[i];
    }
    expected.push_back(p);
  }
  expectNear(run({{"type", "lion"}, {"learning_rate", 0.1}}, 5), expected, 1e-6);
}

TEST(KerasOptimizer, LambScalesAdamStepsByEachTensorsTrustRatio) {
  // Two tensors: p0 alone and (p1, p2).
  const std::vector<std::size_t> bounds{0, 1, 3};
  std::array<double, 3> p = kStart;
  std::array<double, 3> m{};
  std::array<double, 3> v{};
  Trajectory expected;
  for (int t = 1; t <= 5; ++t) {
    const auto g = gradient(p);
    std::array<double, 3> r{};
    for (std::size_t i = 0; i < 3; ++i) {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      r[i] = (m[i] / (1 - std::pow(0.9, t))) / (std::sqrt(v[i] / (1 - std::pow(0.999, t))) + 1e-7);
    }
    const double ratio0 = std::fabs(p[0]) / std::fabs(r[0]);
    const double ratio1 = std::hypot(p[1], p[2]) / std::hypot(r[1], r[2]);
    p[0] -= 0.1 * ratio0 * r[0];
    p[1] -= 0.1 * ratio1 * r[1];
    p[2] -= 0.1 * ratio1 * r[2];
    expected.push_back(p);
  }
  expectNear(run({{"type", "lamb"}, {"learning_rate", 0.1}}, 5, bounds), expected, 1e-5);
}

TEST(KerasOptimizer, WeightDecayIsDecoupledForEveryOptimizer) {
  // Keras: p -= p * weight_decay * learning_rate, then the optimizer's own step from the
  // gradient at the old p. SGD: p1 = p0 - 0.1 * 0.5 * p0 - 0.1 * g(p0).
  const auto p = run({{"type", "sgd"}, {"learning_rate", 0.1}, {"weight_decay", 0.5}}, 1);
  const auto g = gradient(kStart);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(p[0][i], kStart[i] - 0.05 * kStart[i] - 0.1 * g[i], 1e-6) << i;
  }
  // Lion's step is the learning rate exactly, so the decay is what remains.
  const auto lion = run({{"type", "lion"}, {"learning_rate", 0.1}, {"weight_decay", 0.5}}, 1);
  EXPECT_NEAR(lion[0][0], 1.0 * 0.95 - 0.1, 1e-6);
}

TEST(KerasOptimizer, KerasDefaults) {
  const auto adadelta = parseOptimizer("adadelta");
  EXPECT_DOUBLE_EQ(adadelta.learningRate, 0.001);
  EXPECT_DOUBLE_EQ(adadelta.rho, 0.95);
  EXPECT_DOUBLE_EQ(adadelta.epsilon, 1e-7);
  const auto lion = parseOptimizer("lion");
  EXPECT_DOUBLE_EQ(lion.beta1, 0.9);
  EXPECT_DOUBLE_EQ(lion.beta2, 0.99);
  const auto ftrl = parseOptimizer("ftrl");
  EXPECT_DOUBLE_EQ(ftrl.ftrl.learningRatePower, -0.5);
  EXPECT_DOUBLE_EQ(ftrl.initialAccumulatorValue, 0.1);
  EXPECT_DOUBLE_EQ(parseOptimizer("adamw").weightDecay, 0.004);
  EXPECT_DOUBLE_EQ(parseOptimizer("nadam").weightDecay, 0.0);
  EXPECT_DOUBLE_EQ(parseOptimizer("sgd").learningRate, 0.01);
}

TEST(KerasOptimizer, NamesAreCaseInsensitiveAsInKeras) {
  EXPECT_EQ(parseOptimizer("RMSprop").type, "rmsprop");
  EXPECT_EQ(parseOptimizer({{"type", "Nadam"}}).type, "nadam");
  EXPECT_EQ(makeOptimizer(parseOptimizer("SGD"))->name(), "sgd");
}

TEST(KerasOptimizer, EveryOptimizerResumesBitForBitFromItsSavedState) {
  for (const auto& type : optimizerNames()) {
    const nlohmann::json spec = {
        {"type", type}, {"learning_rate", 0.05}, {"weight_decay", 0.01}, {"clipnorm", 5.0}};
    auto whole = makeOptimizer(parseOptimizer(spec), {0, 1, 3});
    auto first = makeOptimizer(parseOptimizer(spec), {0, 1, 3});
    auto second = makeOptimizer(parseOptimizer(spec), {0, 1, 3});
    whole->initialize(3);
    first->initialize(3);
    second->initialize(3);
    std::vector<float> a(kStart.begin(), kStart.end());
    std::vector<float> b = a;
    for (int i = 0; i < 8; ++i) {
      const auto ga = gradient({a[0], a[1], a[2]});
      std::vector<float> gradsA(ga.begin(), ga.end());
      whole->step(a, gradsA, 0.05F);
      if (i == 4) second->loadState(first->saveState());
      Optimizer& current = i < 4 ? *first : *second;
      const auto gb = gradient({b[0], b[1], b[2]});
      std::vector<float> gradsB(gb.begin(), gb.end());
      current.step(b, gradsB, 0.05F);
    }
    EXPECT_EQ(a, b) << type;
    EXPECT_NE(a, std::vector<float>(kStart.begin(), kStart.end())) << type;
  }
}

TEST(KerasOptimizer, AStateOfTheWrongSizeIsRefused) {
  auto nadam = makeOptimizer(parseOptimizer("nadam"));
  nadam->initialize(3);
  auto other = makeOptimizer(parseOptimizer("nadam"));
  other->initialize(4);
  try {
    nadam->loadState(other->saveState());
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "optimizer state of 9 values does not fit nadam over 3 parameters (it "
                 "needs 7)");
  }
}

std::string refusal(const nlohmann::json& spec, std::string* key = nullptr) {
  try {
    parseOptimizer(spec);
  } catch (const ConfigError& e) {
    if (key != nullptr) *key = e.keyPath();
    return e.what();
  }
  return "accepted";
}

TEST(KerasOptimizer, BadSettingsAreRefusedNamingTheKey) {
  std::string key;
  EXPECT_NE(refusal({{"type", "ftrl"}, {"learning_rate_power", 0.5}}, &key).find("<= 0"),
            std::string::npos);
  EXPECT_EQ(key, "learning_rate_power");
  refusal({{"type", "lion"}, {"beta_1", 0}}, &key);
  EXPECT_EQ(key, "beta_1");
  refusal({{"type", "adadelta"}, {"rho", 1.0}}, &key);
  EXPECT_EQ(key, "rho");
  refusal({{"type", "nadam"}, {"weight_decay", -0.1}}, &key);
  EXPECT_EQ(key, "weight_decay");
  EXPECT_NE(refusal({{"type", "adamax"}, {"amsgrad", true}}, &key).find("unknown key 'amsgrad'"),
            std::string::npos);
  EXPECT_EQ(key, "amsgrad");
  EXPECT_NE(refusal("nadamm").find("did you mean 'nadam'"), std::string::npos);
  EXPECT_NE(refusal({{"type", "adadelt"}}).find("did you mean 'adadelta'"), std::string::npos);
}

TEST(KerasOptimizer, OnlyOneClippingAsInKeras) {
  std::string key;
  const auto message = refusal({{"type", "adam"}, {"clipnorm", 1.0}, {"clipvalue", 0.5}}, &key);
  EXPECT_EQ(key, "clipvalue");
  EXPECT_NE(message.find("only one of clipnorm, global_clipnorm and clipvalue"), std::string::npos)
      << message;
}

TEST(KerasOptimizer, MovingAverageOfWeightsIsRefusedInWords) {
  std::string key;
  const auto message = refusal({{"type", "adam"}, {"use_ema", true}}, &key);
  EXPECT_EQ(key, "use_ema");
  EXPECT_NE(message.find("use_ema: true is not supported"), std::string::npos) << message;
  // Keras' defaults, written out, are accepted.
  EXPECT_EQ(refusal({{"type", "adam"},
                     {"use_ema", false},
                     {"ema_momentum", 0.99},
                     {"ema_overwrite_frequency", nullptr}}),
            "accepted");
}

}  // namespace
}  // namespace tunelab
