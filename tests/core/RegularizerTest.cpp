// Weight regularizers: Keras' names and defaults, penalties from their closed forms, and
// gradients that match finite differences of the penalty.
#include <gtest/gtest.h>

#include <cmath>

#include "core/Error.h"
#include "core/Regularizer.h"

namespace tunelab {
namespace {

// A 4x3 weight with no zero and no two rows or columns at a right angle (|x| has no kink).
const std::vector<float> kWeights = {0.5F,  -1.0F, 2.0F, 1.5F, 0.25F, -0.75F,
                                     -2.0F, 1.25F, 0.5F, 0.3F, -0.6F, 1.1F};
constexpr std::size_t kRows = 4;
constexpr std::size_t kCols = 3;

double penaltyOf(const Regularizer& r, const std::vector<float>& w) {
  return r.penalty(ConstMatrixView(w.data(), kRows, kCols));
}

TEST(Regularizer, ShortcutsAndClassesHaveKerasDefaults) {
  EXPECT_EQ(parseRegularizer("l1"), (Regularizer{.l1 = 0.01}));
  EXPECT_EQ(parseRegularizer("l2"), (Regularizer{.l2 = 0.01}));
  EXPECT_EQ(parseRegularizer("l1_l2"), (Regularizer{.l1 = 0.01, .l2 = 0.01}));
  EXPECT_EQ(parseRegularizer("L1"), parseRegularizer("l1"));
  EXPECT_EQ(parseRegularizer("L2"), parseRegularizer("l2"));
  EXPECT_EQ(parseRegularizer({{"type", "l1"}}), parseRegularizer("l1"));
  EXPECT_EQ(parseRegularizer({{"type", "L2"}, {"l2", 0.3}}), (Regularizer{.l2 = 0.3}));
  // Keras' L1L2 class defaults to 0 for the factor not given; its "l1_l2" string to 0.01.
  EXPECT_EQ(parseRegularizer({{"type", "l1_l2"}, {"l2", 0.1}}), (Regularizer{.l2 = 0.1}));
  EXPECT_EQ(parseRegularizer({{"type", "L1L2"}, {"l1", 0.2}}), (Regularizer{.l1 = 0.2}));
  EXPECT_EQ(parseRegularizer({{"l1", 0.2}}), (Regularizer{.l1 = 0.2}));
  EXPECT_FALSE(parseRegularizer(nullptr).active());
  const Regularizer orthogonal = parseRegularizer("orthogonal_regularizer");
  ASSERT_TRUE(orthogonal.orthogonal.has_value());
  EXPECT_EQ(orthogonal.orthogonal->factor, 0.01);
  EXPECT_FALSE(orthogonal.orthogonal->columns);
  EXPECT_EQ(parseRegularizer("OrthogonalRegularizer"), orthogonal);
  EXPECT_TRUE(parseRegularizer({{"type", "orthogonal_regularizer"}, {"mode", "columns"}})
                  .orthogonal->columns);
}

TEST(Regularizer, L1L2PenaltyIsTheClosedForm) {
  double abs = 0.0;
  double squares = 0.0;
  for (float w : kWeights) {
    abs += std::fabs(w);
    squares += static_cast<double>(w) * w;
  }
  EXPECT_NEAR(penaltyOf(Regularizer{.l1 = 0.3, .l2 = 0.2}, kWeights), 0.3 * abs + 0.2 * squares,
              1e-9);
  // Keras' docstring: L2(2.) on ones((5, 5)) is 50.
  const std::vector<float> ones(25, 1.0F);
  EXPECT_DOUBLE_EQ(
      parseRegularizer({{"type", "l2"}, {"l2", 2.0}}).penalty(ConstMatrixView(ones.data(), 5, 5)),
      50.0);
}

TEST(Regularizer, OrthogonalPenaltyIsTheMeanAbsoluteCosineOfPairs) {
  // Rows (1, 0), (1, 1), (0, 2): |cos| of the pairs 1/sqrt2, 0, 1/sqrt2; factor 0.3.
  const std::vector<float> w = {1, 0, 1, 1, 0, 2};
  const ConstMatrixView view(w.data(), 3, 2);
  const double rows =
      parseRegularizer({{"type", "orthogonal_regularizer"}, {"factor", 0.3}}).penalty(view);
  EXPECT_NEAR(rows, 0.3 * (2.0 / std::sqrt(2.0)) / 3.0, 1e-7);
  // Columns (1, 1, 0) and (0, 1, 2): one pair, cosine 1 / (sqrt2 sqrt5).
  const double columns =
      parseRegularizer({{"type", "orthogonal_regularizer"}, {"factor", 0.3}, {"mode", "columns"}})
          .penalty(view);
  EXPECT_NEAR(columns, 0.3 / (std::sqrt(2.0) * std::sqrt(5.0)), 1e-7);
  // Orthogonal rows cost nothing.
  const std::vector<float> eye = {1, 0, 0, 0, 1, 0};
  EXPECT_NEAR(parseRegularizer("orthogonal_regularizer").penalty(ConstMatrixView(eye.data(), 2, 3)),
              0.0, 1e-12);
}

void expectGradientMatchesFiniteDifferences(const Regularizer& r) {
  std::vector<float> grads(kWeights.size(), 0.5F);  // addGradient adds to what is there
  r.addGradient(ConstMatrixView(kWeights.data(), kRows, kCols),
                MatrixView(grads.data(), kRows, kCols));
  for (std::size_t i = 0; i < kWeights.size(); ++i) {
    std::vector<float> up = kWeights;
    std::vector<float> down = kWeights;
    up[i] += 1e-3F;
    down[i] -= 1e-3F;
    const double numeric =
        (penaltyOf(r, up) - penaltyOf(r, down)) / static_cast<double>(up[i] - down[i]);
    EXPECT_NEAR(grads[i] - 0.5, numeric, 1e-4 + 1e-3 * std::fabs(numeric)) << "weight " << i;
  }
}

TEST(Regularizer, GradientsMatchFiniteDifferences) {
  expectGradientMatchesFiniteDifferences(Regularizer{.l1 = 0.3});
  expectGradientMatchesFiniteDifferences(Regularizer{.l2 = 0.2});
  expectGradientMatchesFiniteDifferences(Regularizer{.l1 = 0.1, .l2 = 0.4});
  expectGradientMatchesFiniteDifferences(
      parseRegularizer({{"type", "orthogonal_regularizer"}, {"factor", 0.5}}));
  expectGradientMatchesFiniteDifferences(
      parseRegularizer({{"type", "orthogonal_regularizer"}, {"factor", 0.5}, {"mode", "columns"}}));
}

void expectConfigError(const nlohmann::json& spec, const std::string& key,
                       const std::string& fragment) {
  try {
    parseRegularizer(spec);
    ADD_FAILURE() << "accepted " << spec;
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.keyPath(), key) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Regularizer, BadNamesKeysAndValuesNameTheKey) {
  expectConfigError("l3", "", "valid regularizers: l1, l2, l1_l2, orthogonal_regularizer");
  expectConfigError({{"type", "orthogonal_regulariser"}}, "type",
                    "did you mean 'orthogonal_regularizer'");
  expectConfigError({{"l1", -0.1}}, "l1", ">= 0");
  expectConfigError({{"type", "l1"}, {"l2", 0.1}}, "l2", "unknown key");
  expectConfigError({{"type", "orthogonal_regularizer"}, {"mode", "row"}}, "mode",
                    "did you mean 'rows'");
  expectConfigError({{"type", "orthogonal_regularizer"}, {"factr", 0.1}}, "factr",
                    "did you mean 'factor'");
}

}  // namespace
}  // namespace tunelab
