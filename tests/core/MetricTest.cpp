#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/Activation.h"
#include "core/Error.h"
#include "core/Metric.h"
#include "core/Rng.h"
#include "core/Schedule.h"

namespace tunelab {
namespace {

// ROC AUC with ties counted half (scikit-learn's roc_auc_score): the share of (positive,
// negative) pairs the scores order right, a tie between them worth half a pair.
TEST(Metric, AucEqualsThePairwiseCountWithTies) {
  Rng rng(3);
  const std::size_t n = 300;
  Matrix p(n, 1);
  Matrix y(n, 1);
  for (std::size_t i = 0; i < n; ++i) {
    y(i, 0) = static_cast<float>(rng.below(2));
    // Eight score levels shared by both classes, positives a little higher: many ties between
    // a positive and a negative.
    p(i, 0) = static_cast<float>(rng.below(6) + 2 * static_cast<std::uint64_t>(y(i, 0))) / 8.0F;
  }
  double wins = 0;
  double pairs = 0;
  double ties = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (y(i, 0) == 1 && y(j, 0) == 0) {
        pairs += 1;
        ties += p(i, 0) == p(j, 0) ? 1.0 : 0.0;
        wins += p(i, 0) > p(j, 0) ? 1.0 : (p(i, 0) == p(j, 0) ? 0.5 : 0.0);
      }
    }
  }
  ASSERT_GT(ties, 0.1 * pairs) << "the scores must tie across the classes";
  auto auc = makeMetric("auc", TaskKind::Binary);
  auc->update(p.cview().rowRange(0, 100), y.cview().rowRange(0, 100));  // streamed in parts
  auc->update(p.cview().rowRange(100, 200), y.cview().rowRange(100, 200));
  EXPECT_NEAR(auc->result(), wins / pairs, 1e-12);
}

// A model whose weights went to NaN scores NaN: the AUC is then undefined (NaN, as a NaN loss
// is), and computing it must end (fuzz_model found it looping forever on such a model file).
TEST(Metric, AucOfANanScoreIsNanAndEnds) {
  Matrix p(4, 1);
  Matrix y(4, 1);
  const float scores[] = {0.2F, std::nanf(""), 0.7F, std::nanf("")};
  const float labels[] = {0, 1, 1, 0};
  for (std::size_t i = 0; i < 4; ++i) {
    p(i, 0) = scores[i];
    y(i, 0) = labels[i];
  }
  auto auc = makeMetric("auc", TaskKind::Binary);
  auc->update(p.cview(), y.cview());
  EXPECT_TRUE(std::isnan(auc->result()));
  auc->reset();  // a new epoch without NaN is scored again: the positive above the negative
  auc->update(p.cview().rowRange(0, 1), y.cview().rowRange(0, 1));
  auc->update(p.cview().rowRange(2, 1), y.cview().rowRange(2, 1));
  EXPECT_EQ(auc->result(), 1.0);
}

TEST(Metric, AucCountsATieBetweenAPositiveAndANegativeAsHalf) {
  // Pairs (positive, negative): (0.4, 0.1) right, (0.4, 0.4) tied, (0.8, 0.1) and (0.8, 0.4)
  // right: 3.5 of 4, as scikit-learn's roc_auc_score([0, 0, 1, 1], [.1, .4, .4, .8]) gives.
  Matrix p(4, 1);
  Matrix y(4, 1);
  const float scores[] = {0.1F, 0.4F, 0.4F, 0.8F};
  const float labels[] = {0, 0, 1, 1};
  for (int i = 0; i < 4; ++i) {
    p(i, 0) = scores[i];
    y(i, 0) = labels[i];
  }
  auto auc = makeMetric("auc", TaskKind::Binary);
  auc->update(p.cview(), y.cview());
  EXPECT_DOUBLE_EQ(auc->result(), 0.875);
  // Every score the same: no pair is ordered, AUC one half.
  Matrix same(4, 1, 0.3F);
  auto flat = makeMetric("auc", TaskKind::Binary);
  flat->update(same.cview(), y.cview());
  EXPECT_DOUBLE_EQ(flat->result(), 0.5);
}

TEST(Metric, BinaryAccuracyPrecisionRecall) {
  Matrix p(4, 1);
  Matrix y(4, 1);
  const float probs[] = {0.9F, 0.8F, 0.2F, 0.6F};
  const float labels[] = {1, 0, 0, 1};
  for (int i = 0; i < 4; ++i) {
    p(i, 0) = probs[i];
    y(i, 0) = labels[i];
  }
  auto check = [&](const char* name, double expected) {
    auto m = makeMetric(name, TaskKind::Binary);
    m->update(p.cview(), y.cview());
    EXPECT_DOUBLE_EQ(m->result(), expected) << name;
  };
  check("accuracy", 0.75);
  check("precision", 2.0 / 3.0);  // predicted 1 for rows 0, 1, 3; right for 0 and 3
  check("recall", 1.0);
}

// Logits of every magnitude and sign: a stride over all bit patterns, the floats nearest 0 and
// nearest +-2^-10 (where sigmoidSidesOfHalf stops computing the sigmoid), NaN and infinities.
std::vector<float> logitsOfEveryKind() {
  std::vector<float> logits{std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(), 0.0F, -0.0F};
  for (std::uint64_t bits = 0; bits < (1ULL << 32U); bits += 4099) {
    logits.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
  }
  for (const float centre : {0.0F, 0x1p-10F, -0x1p-10F}) {
    float up = centre;
    float down = centre;
    for (int i = 0; i < 65536; ++i) {
      up = std::nextafter(up, 1.0F);
      down = std::nextafter(down, -1.0F);
      logits.push_back(up);
      logits.push_back(down);
    }
  }
  return logits;
}

TEST(Metric, SidesOfHalfGiveTheCountsOfTheSigmoidsProbabilities) {
  const std::vector<float> logits = logitsOfEveryKind();
  Matrix z(logits.size(), 1);
  Matrix y(logits.size(), 1);
  for (std::size_t r = 0; r < logits.size(); ++r) {
    z(r, 0) = logits[r];
    y(r, 0) = static_cast<float>(r % 3 == 0);
  }
  Matrix probabilities(logits.size(), 1);
  Matrix sides(logits.size(), 1);
  applyActivation({ActivationKind::Sigmoid}, z.cview(), probabilities.view());
  sigmoidSidesOfHalf(z.cview(), sides.view());
  std::size_t disagreements = 0;
  for (std::size_t r = 0; r < logits.size(); ++r) {
    disagreements += (probabilities(r, 0) > 0.5F) != (sides(r, 0) > 0.5F) ? 1 : 0;
  }
  EXPECT_EQ(disagreements, 0U) << "of " << logits.size() << " logits";
  for (const char* name : {"accuracy", "precision", "recall"}) {
    auto fromProbabilities = makeMetric(name, TaskKind::Binary);
    auto fromSides = makeMetric(name, TaskKind::Binary);
    EXPECT_TRUE(fromSides->readsOnlyTheSideOfHalf()) << name;
    fromProbabilities->update(probabilities.cview(), y.cview());
    fromSides->update(sides.cview(), y.cview());
    EXPECT_EQ(fromSides->result(), fromProbabilities->result()) << name;
  }
  EXPECT_FALSE(makeMetric("auc", TaskKind::Binary)->readsOnlyTheSideOfHalf());
}

TEST(Metric, CategoricalAccuracyWithIndicesAndOneHot) {
  Matrix p(2, 3, 0.1F);
  p(0, 2) = 0.8F;
  p(1, 0) = 0.8F;
  Matrix indices(2, 1);
  indices(0, 0) = 2;
  indices(1, 0) = 1;
  auto sparse = makeMetric("accuracy", TaskKind::Multiclass);
  sparse->update(p.cview(), indices.cview());
  EXPECT_DOUBLE_EQ(sparse->result(), 0.5);
  Matrix oneHot(2, 3, 0.0F);
  oneHot(0, 2) = 1;
  oneHot(1, 0) = 1;
  auto dense = makeMetric("accuracy", TaskKind::Multiclass, true);
  dense->update(p.cview(), oneHot.cview());
  EXPECT_DOUBLE_EQ(dense->result(), 1.0);
}

TEST(Metric, RegressionMetrics) {
  Matrix y(4, 1);
  Matrix mean(4, 1, 2.5F);
  for (int i = 0; i < 4; ++i) y(i, 0) = static_cast<float>(i + 1);
  auto r2 = makeMetric("r2", TaskKind::Regression);
  r2->update(y.cview(), y.cview());
  EXPECT_DOUBLE_EQ(r2->result(), 1.0);
  r2->reset();
  r2->update(mean.cview(), y.cview());
  EXPECT_NEAR(r2->result(), 0.0, 1e-12);
  auto mse = makeMetric("mse", TaskKind::Regression);
  auto rmse = makeMetric("rmse", TaskKind::Regression);
  auto mae = makeMetric("mae", TaskKind::Regression);
  for (auto* m : {mse.get(), rmse.get(), mae.get()}) m->update(mean.cview(), y.cview());
  EXPECT_DOUBLE_EQ(mse->result(), 1.25);
  EXPECT_DOUBLE_EQ(rmse->result(), std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(mae->result(), 1.0);
}

TEST(Metric, NameThatDoesNotFitTheTask) {
  try {
    makeMetric("auc", TaskKind::Regression);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("r2"), std::string::npos) << e.what();
  }
}

TEST(Schedule, RatesPerEpoch) {
  auto exp = makeSchedule(
      parseSchedule({{"type", "exponential_decay"}, {"decay_rate", 0.5}, {"decay_steps", 2}}));
  EXPECT_FLOAT_EQ(exp->rate(0, 0.1F), 0.1F);
  EXPECT_NEAR(exp->rate(2, 0.1F), 0.05F, 1e-7);
  EXPECT_NEAR(exp->rate(1, 0.1F), 0.1F * std::sqrt(0.5F), 1e-7);
  auto stair = makeSchedule(parseSchedule({{"type", "exponential_decay"},
                                           {"decay_rate", 0.5},
                                           {"decay_steps", 2},
                                           {"staircase", true}}));
  EXPECT_FLOAT_EQ(stair->rate(1, 0.1F), 0.1F);
  auto step =
      makeSchedule(parseSchedule({{"type", "step_decay"}, {"factor", 0.1}, {"step_size", 3}}));
  EXPECT_FLOAT_EQ(step->rate(2, 1.0F), 1.0F);
  EXPECT_NEAR(step->rate(3, 1.0F), 0.1F, 1e-7);
  EXPECT_NEAR(step->rate(6, 1.0F), 0.01F, 1e-8);
}

TEST(Schedule, ReduceOnPlateauAfterPatience) {
  auto s = makeSchedule(
      parseSchedule({{"type", "reduce_on_plateau"}, {"patience", 2}, {"factor", 0.5}}));
  EXPECT_EQ(s->monitor(), "val_loss");
  const double losses[] = {1.0, 0.9, 0.95, 0.95, 0.95, 0.95};
  std::vector<float> rates;
  for (int e = 0; e < 6; ++e) {
    rates.push_back(s->rate(e, 0.1F));
    s->onEpochEnd(e, losses[e]);
  }
  rates.push_back(s->rate(6, 0.1F));
  // No improvement after epoch 1: reduced after epochs 2 and 3 -> epoch 4 at 0.05; again
  // after 4 and 5 -> 0.025.
  EXPECT_FLOAT_EQ(rates[3], 0.1F);
  EXPECT_FLOAT_EQ(rates[4], 0.05F);
  EXPECT_FLOAT_EQ(rates[6], 0.025F);
  auto restored = makeSchedule(
      parseSchedule({{"type", "reduce_on_plateau"}, {"patience", 2}, {"factor", 0.5}}));
  restored->loadState(s->saveState());
  EXPECT_FLOAT_EQ(restored->rate(7, 0.1F), 0.025F);
}

}  // namespace
}  // namespace tunelab
