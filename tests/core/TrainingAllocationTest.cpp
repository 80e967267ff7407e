// A training step allocates nothing: its buffers are sized by the first batch and reused. Seen:
// a dense layer built the shape of its kernel and of its bias (two heap blocks) at every step
// to hand to a constraint it did not have, 3% of a small model's training time in malloc and
// free. This executable counts every call to operator new (tests/support/CountedNew.cpp).
// Not for onednn: oneDNN's primitive::execute allocates inside the library (about eight blocks
// a product, 46 a step of this model, measured 2026-12-03); tunelab's side of it keeps its
// argument maps. Nor for the reference backend, the oracle, which copies its operands: keeping
// them would change the layout of a class plugins and the plugin kit hold by value.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "backends/openblas/OpenBlasBackend.h"
#include "core/LayerRegistry.h"
#include "core/Trainer.h"
#include "core/layers/StandardLayers.h"
#include "tests/support/CountedNew.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

constexpr std::size_t kRows = 400;

struct Case {
  std::string name;
  std::function<std::unique_ptr<Backend>()> backend;
  nlohmann::json hidden;  // the first dense layer's options
  std::vector<std::string> metrics;
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

// Calls to operator new while fitting `epochs` epochs of `batch` rows (after the setup).
std::int64_t allocationsOfFit(const Case& c, int epochs, std::size_t batch) {
  const Dataset train = test::twoBlobs(kRows, 1, 1.0F);
  const Dataset valid = test::twoBlobs(100, 2, 1.0F);
  LayerRegistry registry;
  registerStandardLayers(registry);
  const auto loss = makeLoss("binary_crossentropy");
  Graph graph({{"dense", c.hidden},
               {"dropout", {{"rate", 0.2}}},
               {"dense", {{"units", 1}, {"activation", "sigmoid"}}}},
              Shape{4}, *loss, registry);
  Rng init(3);
  graph.initialize(init);
  const auto backend = c.backend();
  FitOptions o;
  o.epochs = epochs;
  o.batchSize = batch;
  o.optimizer = parseOptimizer({{"type", "adam"}, {"learning_rate", 0.01}});
  o.metrics = c.metrics;
  Trainer trainer(graph, *backend, *loss, o, Rng(4));
  const std::int64_t before = test::allocations();
  trainer.fit(train, &valid);
  return test::allocations() - before;
}

// Allocations per epoch after the first, which sizes the buffers.
std::int64_t allocationsPerEpoch(const Case& c, std::size_t batch) {
  return (allocationsOfFit(c, 4, batch) - allocationsOfFit(c, 2, batch)) / 2;
}

class TrainingAllocation : public testing::TestWithParam<Case> {};

// 50 steps an epoch at batch 8, 10 at batch 40: an allocation per step shows as a difference.
TEST_P(TrainingAllocation, AStepAllocatesNothing) {
  if (test::kSanitized) GTEST_SKIP() << "counts operator new, which the sanitizers replace";
  const std::int64_t manySteps = allocationsPerEpoch(GetParam(), kRows / 50);
  const std::int64_t fewSteps = allocationsPerEpoch(GetParam(), kRows / 10);
  EXPECT_EQ(manySteps, fewSteps) << "about " << (manySteps - fewSteps) / 40
                                 << " allocations per training step";
}

const nlohmann::json kRelu16 = {{"units", 16}, {"activation", "relu"}};
const nlohmann::json kConstrained = {{"units", 16},
                                     {"activation", "tanh"},
                                     {"kernel_constraint", "max_norm"},
                                     {"bias_constraint", "non_neg"}};

INSTANTIATE_TEST_SUITE_P(
    , TrainingAllocation,
    testing::Values(
        Case{"openblas", [] { return std::make_unique<OpenBlasBackend>(); }, kRelu16, {"accuracy"}},
        Case{"constrained",
             [] { return std::make_unique<OpenBlasBackend>(); },
             kConstrained,
             {"accuracy", "auc", "precision"}}),
    [](const testing::TestParamInfo<Case>& param) { return param.param.name; });

}  // namespace
}  // namespace tunelab
