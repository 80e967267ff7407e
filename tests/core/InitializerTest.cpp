// Initializers draw with the variance their Keras formula promises.
#include <gtest/gtest.h>

#include <cmath>

#include "core/Initializer.h"

namespace tunelab {
namespace {

struct Moments {
  double mean = 0, variance = 0, maxAbs = 0;
};

Moments sample(const nlohmann::json& spec, std::size_t fanIn, std::size_t fanOut) {
  std::vector<float> w(fanIn * fanOut);
  Rng rng(7);
  initialize(parseInitializer(spec), w, fanIn, fanOut, rng);
  Moments m;
  for (float v : w) m.mean += v;
  m.mean /= static_cast<double>(w.size());
  for (float v : w) {
    m.variance += (v - m.mean) * (v - m.mean);
    m.maxAbs = std::max(m.maxAbs, std::fabs(static_cast<double>(v)));
  }
  m.variance /= static_cast<double>(w.size());
  return m;
}

TEST(Initializer, VarianceScalingFamiliesMatchTheirFormulas) {
  const std::size_t in = 400;
  const std::size_t out = 300;
  const struct {
    const char* name;
    double variance;
  } cases[] = {
      {"glorot_uniform", 2.0 / (in + out)},
      {"glorot_normal", 2.0 / (in + out)},
      {"he_uniform", 2.0 / in},
      {"he_normal", 2.0 / in},
      {"lecun_uniform", 1.0 / in},
      {"lecun_normal", 1.0 / in},
  };
  for (const auto& c : cases) {
    const Moments m = sample(c.name, in, out);
    EXPECT_NEAR(m.mean, 0.0, 0.01 * std::sqrt(c.variance)) << c.name;
    EXPECT_NEAR(m.variance / c.variance, 1.0, 0.02) << c.name;
    const std::string name = c.name;
    if (name.ends_with("_uniform")) {
      EXPECT_LE(m.maxAbs, std::sqrt(3.0 * c.variance) + 1e-6) << c.name;
    } else {
      // Truncated at two standard deviations of the untruncated normal.
      EXPECT_LE(m.maxAbs, 2.0 * std::sqrt(c.variance) / 0.87962566103423978 + 1e-6) << c.name;
    }
  }
}

TEST(Initializer, RandomAndConstantOnes) {
  const Moments normal =
      sample({{"type", "random_normal"}, {"mean", 0.5}, {"stddev", 0.1}}, 300, 300);
  EXPECT_NEAR(normal.mean, 0.5, 0.002);
  EXPECT_NEAR(std::sqrt(normal.variance), 0.1, 0.002);
  const Moments uniform = sample("random_uniform", 300, 300);  // [-0.05, 0.05]
  EXPECT_NEAR(uniform.variance, 0.1 * 0.1 / 12.0, 2e-5);
  EXPECT_EQ(sample("zeros", 3, 3).maxAbs, 0.0);
  EXPECT_EQ(sample("ones", 3, 3).mean, 1.0);
  EXPECT_FLOAT_EQ(static_cast<float>(sample({{"type", "constant"}, {"value", 0.25}}, 3, 3).mean),
                  0.25F);
}

TEST(Initializer, UnknownNameListsTheValidOnes) {
  try {
    parseInitializer("glorot_unifrom");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'glorot_uniform'"), std::string::npos);
  }
}

}  // namespace
}  // namespace tunelab
