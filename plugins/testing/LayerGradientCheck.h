#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "core/Shape.h"
#include "plugins/testing/CaseName.h"
#include "plugins/testing/LayerHarness.h"

namespace tunelab::testing {

/// A layer under test: how to make it (with its options), the per-sample input shape, and the
/// pass to check (training: dropout on, batch statistics; evaluation otherwise).
struct LayerCase {
  std::string name;  // names the tests: letters, digits, underscores
  LayerMaker make;
  Shape input;
  bool training = true;
  double tolerance = 2e-2;  // largest relative mismatch with the finite differences
};

/// Prints the case's name in test messages (GoogleTest finds the printer by this name).
void PrintTo(const LayerCase& c, std::ostream* os);  // NOLINT(readability-identifier-naming)

/// What the Graph relies on from a layer, checked with central finite differences on the
/// scalar L = sum(out .* W) + regularizationPenalty() (so dOut = W, as a loss hands it down):
///   - dIn and the parameter gradients (regularisation included) are the derivatives of L, for
///     batch 7 and then batch 1 on the same instance (a last partial batch): the loss above
///     hands down dOut with its 1/batch factor already in, so a layer sums over rows;
///   - backward without dIn (the first layer of a model) still fills the parameter gradients;
///   - forward writes every output element;
///   - an instance rebuilt from the parameters and state alone (a checkpoint, a model file)
///     computes the same bits as the original, in evaluation and in training;
///   - initialize() draws the same parameters from the same stream and resets the state;
///   - the named parameter tensors (per-tensor clipping) cover the parameters in order.
/// Instantiate with your factory:
///
///   #include "plugins/testing/LayerGradientCheck.h"
///   using tunelab::testing::LayerGradientCheck;
///   INSTANTIATE_TEST_SUITE_P(Mine, LayerGradientCheck,
///       ::testing::Values(tunelab::testing::LayerCase{
///           "mine", [] { return std::make_unique<MyLayer>(nlohmann::json{{"units", 3}}); },
///           tunelab::Shape{5}}),
///       tunelab::testing::CaseName{});
class LayerGradientCheck : public ::testing::TestWithParam<LayerCase> {
 public:
  ~LayerGradientCheck() override;
};

}  // namespace tunelab::testing
