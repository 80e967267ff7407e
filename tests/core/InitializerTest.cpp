// Initializers draw what keras.initializers draws: the same names, aliases, defaults and
// statistics (closed forms from Keras' definitions), and exact values where Keras' are exact.
#include <gtest/gtest.h>

#include <cmath>

#include "core/Error.h"
#include "core/Initializer.h"

namespace tunelab {
namespace {

struct Moments {
  double mean = 0, variance = 0, min = 0, max = 0;
};

std::vector<float> draw(const nlohmann::json& spec, const Shape& shape, std::uint64_t seed = 7) {
  std::vector<float> w(shape.elements());
  Rng rng(seed);
  initialize(parseInitializer(spec), w, shape, rng);
  return w;
}

Moments moments(const std::vector<float>& w) {
  Moments m{0, 0, w[0], w[0]};
  for (float v : w) m.mean += v;
  m.mean /= static_cast<double>(w.size());
  for (float v : w) {
    m.variance += (v - m.mean) * (v - m.mean);
    m.min = std::min(m.min, static_cast<double>(v));
    m.max = std::max(m.max, static_cast<double>(v));
  }
  m.variance /= static_cast<double>(w.size());
  return m;
}

// Keras divides a truncated normal's scale by this, the standard deviation of a unit normal
// truncated at +-2, so that variance_scaling's samples have exactly the promised variance.
constexpr double kTruncatedStd = 0.87962566103423978;

TEST(Initializer, VarianceScalingFamiliesMatchTheirFormulas) {
  const std::size_t in = 400;
  const std::size_t out = 300;
  const struct {
    nlohmann::json spec;
    double variance;
    bool uniform;
  } cases[] = {
      {"glorot_uniform", 2.0 / (in + out), true},
      {"glorot_normal", 2.0 / (in + out), false},
      {"he_uniform", 2.0 / in, true},
      {"he_normal", 2.0 / in, false},
      {"lecun_uniform", 1.0 / in, true},
      {"lecun_normal", 1.0 / in, false},
      {"variance_scaling", 1.0 / in, false},  // scale 1, fan_in, truncated_normal
      {{{"type", "variance_scaling"},
        {"scale", 3.0},
        {"mode", "fan_out"},
        {"distribution", "uniform"}},
       3.0 / out,
       true},
      {{{"type", "variance_scaling"},
        {"scale", 0.5},
        {"mode", "fan_avg"},
        {"distribution", "untruncated_normal"}},
       0.5 / ((in + out) / 2.0),
       false},
  };
  for (const auto& c : cases) {
    const Moments m = moments(draw(c.spec, Shape{in, out}));
    EXPECT_NEAR(m.mean, 0.0, 0.01 * std::sqrt(c.variance)) << c.spec;
    EXPECT_NEAR(m.variance / c.variance, 1.0, 0.02) << c.spec;
    const double bound =
        c.uniform ? std::sqrt(3.0 * c.variance) : 2.0 * std::sqrt(c.variance) / kTruncatedStd;
    if (c.spec.is_string() || c.spec.value("distribution", "") != "untruncated_normal") {
      EXPECT_LE(std::max(-m.min, m.max), bound + 1e-6) << c.spec;
      EXPECT_GE(std::max(-m.min, m.max), 0.99 * bound) << c.spec;
    } else {
      EXPECT_GT(std::max(-m.min, m.max), 3.0 * std::sqrt(c.variance)) << "untruncated";
    }
  }
}

TEST(Initializer, ABiasHasItsLengthAsBothFans) {
  // Keras' compute_fans((units,)) = (units, units): glorot_uniform's limit is sqrt(6 / 2u).
  const Moments m = moments(draw("glorot_uniform", Shape{20000}));
  EXPECT_NEAR(m.variance / (1.0 / 20000), 1.0, 0.03);
}

TEST(Initializer, RandomNormalUniformAndTruncatedHaveKerasDefaults) {
  const Shape big{300, 300};
  const Moments normal = moments(draw("normal", big));  // mean 0, stddev 0.05
  EXPECT_NEAR(normal.mean, 0.0, 0.001);
  EXPECT_NEAR(std::sqrt(normal.variance), 0.05, 0.001);
  const Moments shifted =
      moments(draw({{"type", "random_normal"}, {"mean", 0.5}, {"stddev", 0.1}}, big));
  EXPECT_NEAR(shifted.mean, 0.5, 0.002);
  EXPECT_NEAR(std::sqrt(shifted.variance), 0.1, 0.002);

  const Moments uniform = moments(draw("uniform", big));  // [-0.05, 0.05)
  EXPECT_NEAR(uniform.variance, 0.1 * 0.1 / 12.0, 2e-5);
  EXPECT_GE(uniform.min, -0.05);
  EXPECT_LT(uniform.max, 0.05);
  const Moments ranged =
      moments(draw({{"type", "random_uniform"}, {"minval", 1.0}, {"maxval", 3.0}}, big));
  EXPECT_NEAR(ranged.mean, 2.0, 0.01);
  EXPECT_GE(ranged.min, 1.0);
  EXPECT_LT(ranged.max, 3.0);

  // Keras re-draws beyond two standard deviations and does not rescale: the spread is that of
  // the truncated normal, kTruncatedStd * stddev.
  const Moments truncated =
      moments(draw({{"type", "truncated_normal"}, {"mean", 1.0}, {"stddev", 0.1}}, big));
  EXPECT_NEAR(truncated.mean, 1.0, 0.002);
  EXPECT_NEAR(std::sqrt(truncated.variance), 0.1 * kTruncatedStd, 0.002);
  EXPECT_GE(truncated.min, 1.0 - 0.2 - 1e-6);
  EXPECT_LE(truncated.max, 1.0 + 0.2 + 1e-6);
  EXPECT_NEAR(std::sqrt(moments(draw("truncated_normal", big)).variance), 0.05 * kTruncatedStd,
              0.001);
}

TEST(Initializer, ConstantsAreExact) {
  for (float v : draw("zeros", Shape{3, 4})) EXPECT_EQ(v, 0.0F);
  for (float v : draw("ones", Shape{3, 4})) EXPECT_EQ(v, 1.0F);
  for (float v : draw({{"type", "constant"}, {"value", 0.25}}, Shape{3, 4})) EXPECT_EQ(v, 0.25F);
  for (float v : draw("constant", Shape{5})) EXPECT_EQ(v, 0.0F);  // Keras' Constant(value=0.0)
}

TEST(Initializer, IdentityIsTheEyeOfTheShapeTimesGain) {
  const std::vector<float> tall = draw("identity", Shape{3, 2});
  EXPECT_EQ(tall, (std::vector<float>{1, 0, 0, 1, 0, 0}));
  const std::vector<float> wide = draw({{"type", "identity"}, {"gain", 2.5}}, Shape{2, 3});
  EXPECT_EQ(wide, (std::vector<float>{2.5F, 0, 0, 0, 2.5F, 0}));
}

// W^T W (rows >= cols) or W W^T (rows < cols) must be gain^2 I.
void expectOrthogonal(const std::vector<float>& w, std::size_t rows, std::size_t cols,
                      double gain) {
  const bool tall = rows >= cols;
  const std::size_t n = tall ? cols : rows;
  const std::size_t len = tall ? rows : cols;
  auto at = [&](std::size_t vec, std::size_t k) {
    return static_cast<double>(tall ? w[k * cols + vec] : w[vec * cols + k]);
  };
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      double dot = 0.0;
      for (std::size_t k = 0; k < len; ++k) dot += at(i, k) * at(j, k);
      EXPECT_NEAR(dot, i == j ? gain * gain : 0.0, 1e-5 * gain * gain)
          << rows << "x" << cols << " (" << i << ", " << j << ")";
    }
  }
}

TEST(Initializer, OrthogonalGivesOrthonormalColumnsOrRowsTimesGain) {
  expectOrthogonal(draw("orthogonal", Shape{40, 12}), 40, 12, 1.0);
  expectOrthogonal(draw("orthogonal", Shape{12, 40}), 12, 40, 1.0);
  expectOrthogonal(draw({{"type", "orthogonal"}, {"gain", 1.5}}, Shape{16, 16}), 16, 16, 1.5);
  // A random rotation, not a fixed one: other streams give other matrices.
  EXPECT_NE(draw("orthogonal", Shape{8, 8}, 1), draw("orthogonal", Shape{8, 8}, 2));
}

TEST(Initializer, MatrixOnlyInitializersRefuseAVector) {
  std::vector<float> w(4);
  Rng rng(1);
  EXPECT_THROW(initialize(parseInitializer("orthogonal"), w, Shape{4}, rng), Error);
  EXPECT_THROW(initialize(parseInitializer("identity"), w, Shape{4}, rng), Error);
}

TEST(Initializer, ASeedGivesTheSameDrawsWhateverTheStream) {
  const nlohmann::json seeded = {{"type", "glorot_uniform"}, {"seed", 42}};
  EXPECT_EQ(draw(seeded, Shape{5, 6}, 1), draw(seeded, Shape{5, 6}, 2));
  EXPECT_NE(draw(seeded, Shape{5, 6}, 1),
            draw({{"type", "glorot_uniform"}, {"seed", 43}}, Shape{5, 6}, 1));
  EXPECT_NE(draw("glorot_uniform", Shape{5, 6}, 1), draw("glorot_uniform", Shape{5, 6}, 2));
}

TEST(Initializer, EveryKerasAliasIsTheSameInitializer) {
  const std::pair<const char*, const char*> aliases[] = {
      {"zero", "zeros"},
      {"Zeros", "zeros"},
      {"one", "ones"},
      {"Ones", "ones"},
      {"Constant", "constant"},
      {"normal", "random_normal"},
      {"RandomNormal", "random_normal"},
      {"uniform", "random_uniform"},
      {"RandomUniform", "random_uniform"},
      {"TruncatedNormal", "truncated_normal"},
      {"VarianceScaling", "variance_scaling"},
      {"GlorotUniform", "glorot_uniform"},
      {"GlorotNormal", "glorot_normal"},
      {"HeUniform", "he_uniform"},
      {"HeNormal", "he_normal"},
      {"LecunUniform", "lecun_uniform"},
      {"LecunNormal", "lecun_normal"},
      {"Orthogonal", "orthogonal"},
      {"OrthogonalInitializer", "orthogonal"},
      {"orthogonal_initializer", "orthogonal"},
      {"Identity", "identity"},
      {"IdentityInitializer", "identity"},
      {"identity_initializer", "identity"},
  };
  for (const auto& [alias, name] : aliases) {
    EXPECT_EQ(parseInitializer(alias), parseInitializer(name)) << alias;
    EXPECT_EQ(parseInitializer(alias).name, name) << alias;
    EXPECT_EQ(parseInitializer({{"type", alias}}), parseInitializer(name)) << alias;
  }
  EXPECT_EQ(parseInitializer({{"type", "normal"}, {"stddev", 0.2}}),
            parseInitializer({{"type", "random_normal"}, {"stddev", 0.2}}));
  // Keras' presets are variance_scaling with these arguments.
  EXPECT_EQ(draw("he_normal", Shape{30, 20}),
            draw({{"type", "variance_scaling"}, {"scale", 2.0}}, Shape{30, 20}));
  EXPECT_EQ(draw("glorot_uniform", Shape{30, 20}),
            draw({{"type", "variance_scaling"}, {"mode", "fan_avg"}, {"distribution", "uniform"}},
                 Shape{30, 20}));
  // Keras reads distribution "normal" as truncated_normal.
  EXPECT_EQ(parseInitializer({{"type", "variance_scaling"}, {"distribution", "normal"}}),
            parseInitializer("variance_scaling"));
}

void expectConfigError(const nlohmann::json& spec, const std::string& key,
                       const std::string& fragment) {
  try {
    parseInitializer(spec);
    ADD_FAILURE() << "accepted " << spec;
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.keyPath(), key) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Initializer, BadNamesKeysAndValuesNameTheKey) {
  expectConfigError("glorot_unifrom", "", "did you mean 'glorot_uniform'");
  expectConfigError({{"type", "orthogonl"}}, "type", "did you mean 'orthogonal'");
  expectConfigError({{"type", "random_normal"}, {"stdev", 0.1}}, "stdev", "did you mean 'stddev'");
  expectConfigError({{"type", "random_normal"}, {"stddev", -1}}, "stddev", ">= 0");
  expectConfigError({{"type", "random_uniform"}, {"minval", 1}, {"maxval", 0}}, "maxval",
                    "below minval");
  expectConfigError({{"type", "variance_scaling"}, {"scale", 0}}, "scale", "> 0");
  expectConfigError({{"type", "variance_scaling"}, {"mode", "fan_inn"}}, "mode",
                    "did you mean 'fan_in'");
  expectConfigError({{"type", "variance_scaling"}, {"distribution", "gaussian"}}, "distribution",
                    "untruncated_normal");
  expectConfigError({{"type", "glorot_uniform"}, {"seed", -1}}, "seed", ">= 0");
  expectConfigError({{"type", "zeros"}, {"seed", 1}}, "seed", "unknown key");
  expectConfigError({{"type", "identity"}, {"seed", 1}}, "seed", "unknown key");
  expectConfigError({{"type", "constant"}, {"value", "a"}}, "value", "number");
}

}  // namespace
}  // namespace tunelab
