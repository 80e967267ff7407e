// The Trainer's promises: deterministic, resumable bit for bit, early stopping as Keras does it,
// divergence reported rather than crashed on.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "backends/reference/ReferenceBackend.h"
#include "core/LayerRegistry.h"
#include "core/Trainer.h"
#include "core/layers/StandardLayers.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

// Two noisy Gaussian blobs in 4-D: a binary problem an MLP learns in a few epochs.
Dataset blobs(std::size_t n, std::uint64_t seed) { return test::twoBlobs(n, seed, 1.0F); }

struct TrainingSetup {
  LayerRegistry registry;
  ReferenceBackend backend;
  std::unique_ptr<Loss> loss = makeLoss("binary_crossentropy");
  std::optional<Graph> graph;

  explicit TrainingSetup(std::uint64_t seed) {
    registerStandardLayers(registry);
    graph.emplace(std::vector<LayerSpec>{{"dense", {{"units", 16}, {"activation", "relu"}}},
                                         {"dropout", {{"rate", 0.2}}},
                                         {"dense", {{"units", 1}, {"activation", "sigmoid"}}}},
                  Shape{4}, *loss, registry);
    Rng init(seed);
    graph->initialize(init);
  }
};

FitOptions options(int epochs) {
  FitOptions o;
  o.epochs = epochs;
  o.batchSize = 16;
  o.optimizer = parseOptimizer({{"type", "adam"}, {"learning_rate", 0.01}});
  o.metrics = {"accuracy"};
  return o;
}

TEST(Trainer, LearnsASeparableProblem) {
  const Dataset train = blobs(400, 1);
  const Dataset valid = blobs(200, 2);
  TrainingSetup s(3);
  Trainer trainer(*s.graph, s.backend, *s.loss, options(10), Rng(4));
  const FitResult result = trainer.fit(train, &valid);
  EXPECT_EQ(result.status, FitStatus::Completed);
  ASSERT_EQ(result.history.size(), 10U);
  EXPECT_LT(result.history.back().values.at("val_loss"), result.history.front().values.at("loss"));
  EXPECT_GT(result.history.back().values.at("val_accuracy"), 0.9);
}

// Accuracy alone reads only which side of 0.5 each output is on, so the trainer skips most
// sigmoids; beside auc it gets the probabilities. Each metric is the same either way.
TEST(Trainer, EachMetricIsTheSameWhateverMetricsItIsListedWith) {
  const Dataset train = blobs(300, 1);
  const Dataset valid = blobs(100, 2);
  auto history = [&](std::vector<std::string> metrics) {
    TrainingSetup s(3);
    FitOptions o = options(3);
    o.metrics = std::move(metrics);
    Trainer trainer(*s.graph, s.backend, *s.loss, o, Rng(4));
    return trainer.fit(train, &valid).history;
  };
  const auto alone = history({"accuracy"});
  const auto aucAlone = history({"auc"});
  const auto both = history({"accuracy", "auc"});
  ASSERT_EQ(both.size(), 3U);
  for (std::size_t e = 0; e < both.size(); ++e) {
    for (const char* key : {"accuracy", "val_accuracy"}) {
      EXPECT_EQ(both[e].values.at(key), alone[e].values.at(key)) << key << " epoch " << e;
    }
    for (const char* key : {"auc", "val_auc"}) {
      EXPECT_EQ(both[e].values.at(key), aucAlone[e].values.at(key)) << key << " epoch " << e;
    }
    EXPECT_EQ(both[e].values.at("val_loss"), alone[e].values.at("val_loss")) << "epoch " << e;
  }
}

TEST(Trainer, ResumedFromCheckpointEqualsUninterrupted) {
  const Dataset train = blobs(300, 1);
  const Dataset valid = blobs(100, 2);
  TrainingSetup whole(3);
  Trainer uninterrupted(*whole.graph, whole.backend, *whole.loss, options(6), Rng(4));
  const FitResult expected = uninterrupted.fit(train, &valid);

  TrainingSetup first(3);
  Trainer part(*first.graph, first.backend, *first.loss, options(3), Rng(4));
  part.fit(train, &valid);
  const Checkpoint saved = part.checkpoint();

  TrainingSetup second(99);  // different initial weights: everything must come from the checkpoint
  Trainer resumed(*second.graph, second.backend, *second.loss, options(6), Rng(1234));
  resumed.restore(saved);
  const FitResult result = resumed.fit(train, &valid);

  ASSERT_EQ(result.history.size(), expected.history.size());
  for (std::size_t e = 0; e < expected.history.size(); ++e) {
    EXPECT_EQ(result.history[e].values, expected.history[e].values) << "epoch " << e + 1;
  }
  const auto a = whole.graph->params();
  const auto b = second.graph->params();
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end()));
}

TEST(Trainer, EarlyStoppingRestoresTheBestWeights) {
  const Dataset train = blobs(200, 1);
  const Dataset valid = blobs(200, 2);
  TrainingSetup s(3);
  FitOptions o = options(200);
  o.optimizer = parseOptimizer({{"type", "adam"}, {"learning_rate", 0.05}});
  o.earlyStopping = {
      .enabled = true, .monitor = "val_loss", .patience = 3, .restoreBestWeights = true};
  Trainer trainer(*s.graph, s.backend, *s.loss, o, Rng(4));
  const FitResult result = trainer.fit(train, &valid);
  ASSERT_EQ(result.status, FitStatus::EarlyStopped);
  ASSERT_LT(result.history.size(), 200U);
  // Stopped exactly `patience` epochs after the best one.
  EXPECT_EQ(static_cast<int>(result.history.size()), result.bestEpoch + 3);
  double best = INFINITY;
  for (const auto& r : result.history) best = std::min(best, r.values.at("val_loss"));
  EXPECT_DOUBLE_EQ(result.history[result.bestEpoch - 1].values.at("val_loss"), best);
  // The model holds the best epoch's weights: evaluating gives its val_loss again.
  EXPECT_NEAR(trainer.evaluate(valid).at("loss"), best, 1e-6);
}

// Keras ModelCheckpoint(save_best_only=True): the model ends with the weights of the epoch with
// the best monitored value, while a checkpoint goes on from the last epoch: a fit continued from
// it equals an uninterrupted one (a Hyperband promotion continues its parent's training).
TEST(Trainer, KeepBestEndsAtTheBestEpochAndCheckpointsTheLast) {
  const Dataset train = blobs(200, 1);
  const Dataset valid = blobs(100, 2);
  FitOptions o = options(12);
  o.optimizer = parseOptimizer({{"type", "adam"}, {"learning_rate", 0.3}});
  o.keepBest = KeepBest{"val_loss", false};
  TrainingSetup whole(3);
  Trainer uninterrupted(*whole.graph, whole.backend, *whole.loss, o, Rng(4));
  const FitResult expected = uninterrupted.fit(train, &valid);

  FitOptions shorter = o;
  shorter.epochs = 6;
  TrainingSetup first(3);
  Trainer part(*first.graph, first.backend, *first.loss, shorter, Rng(4));
  const FitResult partResult = part.fit(train, &valid);
  double best = INFINITY;
  int bestEpoch = 0;
  for (const auto& r : partResult.history) {
    if (r.values.at("val_loss") < best) {
      best = r.values.at("val_loss");
      bestEpoch = r.epoch;
    }
  }
  ASSERT_LT(bestEpoch, 6) << "the curve must peak before the last epoch";
  EXPECT_EQ(partResult.bestEpoch, bestEpoch);
  EXPECT_NEAR(part.evaluate(valid).at("loss"), best, 1e-6) << "the model holds the best epoch";
  const Checkpoint saved = part.checkpoint();

  TrainingSetup second(99);
  Trainer resumed(*second.graph, second.backend, *second.loss, o, Rng(1234));
  resumed.restore(saved);
  const FitResult result = resumed.fit(train, &valid);
  ASSERT_EQ(result.history.size(), expected.history.size());
  for (std::size_t e = 0; e < expected.history.size(); ++e) {
    EXPECT_EQ(result.history[e].values, expected.history[e].values) << "epoch " << e + 1;
  }
  EXPECT_EQ(result.bestEpoch, expected.bestEpoch);
  const auto a = whole.graph->params();
  const auto b = second.graph->params();
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end()));
}

// A scaled regression target: the optimiser works on the scaled values, every loss and metric
// reported is in the target's units (mse by scale^2, mae by scale).
TEST(Trainer, RegressionLossAndMetricsAreInTheTargetsUnits) {
  Dataset scaled = blobs(200, 1);
  scaled.task = TaskKind::Regression;
  scaled.classNames.clear();
  Dataset raw = scaled;
  scaled.targetScaling = {1000.0, 0.01};  // y' = (y - 1000) / 100
  for (std::size_t i = 0; i < raw.size(); ++i)
    raw.y(i, 0) = scaled.targetScaling.undo(scaled.y(i, 0));
  LayerRegistry registry;
  registerStandardLayers(registry);
  const auto loss = makeLoss("mse");
  Graph graph(std::vector<LayerSpec>{{"dense", {{"units", 1}}}}, Shape{4}, *loss, registry);
  Rng init(3);
  graph.initialize(init);
  ReferenceBackend backend;
  FitOptions o = options(1);
  o.metrics = {"mae"};
  Trainer trainer(graph, backend, *loss, o, Rng(4));
  const auto inScaledUnits = trainer.evaluate(scaled);
  // The same model's outputs in target units, against the raw targets.
  const Matrix outputs = trainer.predict(scaled.x.cview());
  double mse = 0;
  double mae = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const double d = scaled.targetScaling.undo(outputs(i, 0)) - raw.y(i, 0);
    mse += d * d / static_cast<double>(raw.size());
    mae += std::abs(d) / static_cast<double>(raw.size());
  }
  EXPECT_NEAR(inScaledUnits.at("loss"), mse, 1e-4 * mse);
  EXPECT_NEAR(inScaledUnits.at("mae"), mae, 1e-4 * mae);
  const FitResult fit = trainer.fit(scaled, &scaled);
  EXPECT_GT(fit.history.at(0).values.at("mae"), 10.0) << "a training mae in target units";
}

TEST(Trainer, DivergenceEndsWithStatusAndKeepsHistory) {
  const Dataset train = blobs(200, 1);
  TrainingSetup s(3);
  FitOptions o = options(50);
  o.optimizer = parseOptimizer({{"type", "sgd"}, {"learning_rate", 1e9}});
  Trainer trainer(*s.graph, s.backend, *s.loss, o, Rng(4));
  const FitResult result = trainer.fit(train, nullptr);
  ASSERT_EQ(result.status, FitStatus::Diverged);
  ASSERT_FALSE(result.history.empty());
  EXPECT_LT(result.history.size(), 50U);
  EXPECT_FALSE(std::isfinite(result.history.back().values.at("loss")));
  EXPECT_NE(result.message.find("epoch " + std::to_string(result.history.size())),
            std::string::npos)
      << result.message;
}

// Keras' validation_split: the last rows, before shuffling, are held out. Training with a split
// of 0.25 of 100 rows must be the same, bit for bit, as training on rows 0..74 and validating
// on rows 75..99; validating on any other rows, or training on them, would give other numbers.
TEST(Trainer, ValidationSplitTakesTheLastRows) {
  const Dataset all = blobs(100, 1);
  std::vector<std::uint32_t> head(75);
  std::vector<std::uint32_t> tail(25);
  std::iota(head.begin(), head.end(), 0U);
  std::iota(tail.begin(), tail.end(), 75U);
  const Dataset first = selectRows(all, head);
  const Dataset last = selectRows(all, tail);

  TrainingSetup split(3);
  FitOptions o = options(3);
  o.validationSplit = 0.25;
  Trainer withSplit(*split.graph, split.backend, *split.loss, o, Rng(4));
  const FitResult result = withSplit.fit(all, nullptr);

  TrainingSetup apart(3);
  Trainer explicitRows(*apart.graph, apart.backend, *apart.loss, options(3), Rng(4));
  const FitResult expected = explicitRows.fit(first, &last);

  ASSERT_EQ(result.history.size(), 3U);
  ASSERT_EQ(expected.history.size(), 3U);
  for (std::size_t e = 0; e < 3; ++e) {
    EXPECT_TRUE(result.history[e].values.contains("val_loss"));
    EXPECT_EQ(result.history[e].values, expected.history[e].values) << "epoch " << e + 1;
  }
  const auto a = split.graph->params();
  const auto b = apart.graph->params();
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end()));
  // The held-out rows are the last ones: the model scores them as the last epoch said.
  EXPECT_DOUBLE_EQ(withSplit.evaluate(last).at("loss"),
                   result.history.back().values.at("val_loss"));
}

}  // namespace
}  // namespace tunelab
