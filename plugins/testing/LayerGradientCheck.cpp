// Central differences with h = 4e-3: small enough that the third-order error of gelu and swish
// stays below float rounding, large enough that float rounding of L stays below the tolerance.
#include "plugins/testing/LayerGradientCheck.h"

#include <cmath>
#include <sstream>
#include <vector>

#include "plugins/testing/StridedMatrix.h"

namespace tunelab::testing {

// NOLINTNEXTLINE(readability-identifier-naming): the name GoogleTest looks up
void PrintTo(const LayerCase& c, std::ostream* os) { *os << c.name; }

LayerGradientCheck::~LayerGradientCheck() = default;

namespace {

constexpr float kStep = 4e-3F;

struct Batch {
  Matrix x;
  Matrix weights;  // dL/dout
};

Batch batchFor(LayerHarness& harness, std::size_t rows) {
  Rng rng(rows * 31 + 7);
  Matrix x = randomMatrix(rows, harness.input().elements(), rng);
  Matrix weights = randomMatrix(rows, harness.outputColumns(), rng);
  return {std::move(x), std::move(weights)};
}

// Compares analytic[i] with the central difference of `objective` in `values[i]`; fails once,
// with the number of mismatches and the first one.
template <class Objective>
void expectDerivatives(std::span<const float> analytic, std::span<float> values,
                       Objective objective, double tolerance, const std::string& what) {
  std::size_t bad = 0;
  std::ostringstream first;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const float keep = values[i];
    values[i] = keep + kStep;
    const double up = objective();
    values[i] = keep - kStep;
    const double down = objective();
    values[i] = keep;
    const double numeric = (up - down) / (2.0 * kStep);
    if (gradientMismatch(analytic[i], numeric) < tolerance) continue;
    if (bad++ == 0) {
      first << what << "[" << i << "]: analytic " << analytic[i] << ", numeric " << numeric;
    }
  }
  EXPECT_EQ(bad, 0U) << bad << " of " << values.size() << " derivatives differ from finite "
                     << "differences; the first: " << first.str();
}

}  // namespace

TEST_P(LayerGradientCheck, GradientsMatchFiniteDifferences) {
  const LayerCase& c = GetParam();
  LayerHarness harness(c.make, c.input);
  for (std::size_t rows : {7U, 1U}) {
    Batch batch = batchFor(harness, rows);
    const Matrix dIn = harness.backward(batch.x, batch.weights, c.training);
    const std::vector<float> dParams = harness.grads();
    auto objective = [&] { return harness.objective(batch.x, batch.weights, c.training); };
    const std::string where = "batch " + std::to_string(rows) + " ";
    expectDerivatives(dIn.values(), batch.x.values(), objective, c.tolerance, where + "dL/dinput");
    expectDerivatives(dParams, harness.params(), objective, c.tolerance, where + "dL/dparameter");
  }
}

TEST_P(LayerGradientCheck, WithoutAnInputGradientParameterGradientsAreTheSame) {
  const LayerCase& c = GetParam();
  LayerHarness harness(c.make, c.input);
  const Batch batch = batchFor(harness, 7);
  harness.backward(batch.x, batch.weights, c.training);
  const std::vector<float> withInput = harness.grads();
  std::fill(harness.grads().begin(), harness.grads().end(), std::nanf(""));
  harness.backward(batch.x, batch.weights, c.training, /*wantInput=*/false);
  EXPECT_TRUE(sameBits(harness.grads(), withInput))
      << "backward() with an empty dIn (the model's first layer) must still overwrite its "
         "parameter gradients with the same values";
}

TEST_P(LayerGradientCheck, ForwardWritesEveryOutputElement) {
  const LayerCase& c = GetParam();
  LayerHarness harness(c.make, c.input);
  for (bool training : {true, false}) {
    for (std::size_t rows : {7U, 1U}) {
      const Matrix out = harness.forward(batchFor(harness, rows).x, training);
      for (std::size_t i = 0; i < out.size(); ++i) {
        ASSERT_TRUE(std::isfinite(out.data()[i]))
            << "output " << i << " of batch " << rows << (training ? " (training)" : "") << " is "
            << out.data()[i] << " (it was NaN before forward)";
      }
    }
  }
}

// The Graph skips a layer in a mode where it says it passes its input through, so there its
// forward and backward must be copies, and it can have nothing else to do: no parameters, no
// state, as many outputs as inputs (the Graph ignores the claim otherwise). A layer that never
// says so passes trivially.
TEST_P(LayerGradientCheck, PassingThroughMeansCopyingInputAndGradient) {
  const LayerCase& c = GetParam();
  LayerHarness harness(c.make, c.input);
  for (bool training : {true, false}) {
    if (!harness.layer().passesThrough(training)) continue;
    EXPECT_TRUE(harness.params().empty() && harness.state().empty() &&
                harness.outputColumns() == harness.input().elements())
        << "passesThrough(" << training << ") is true, but the layer has parameters or state, "
        << "or changes the number of values: the graph ignores such a claim";
    const Batch batch = batchFor(harness, 7);
    EXPECT_TRUE(sameBits(harness.forward(batch.x, training).values(), batch.x.values()))
        << "passesThrough(" << training << ") is true, but forward changed the input";
    if (!training) continue;  // backward follows a training pass
    EXPECT_TRUE(sameBits(harness.backward(batch.x, batch.weights, training).values(),
                         batch.weights.values()))
        << "passesThrough(true) is true, but backward changed the gradient";
  }
}

TEST_P(LayerGradientCheck, RebuiltFromItsParametersAndStateComputesTheSameBits) {
  const LayerCase& c = GetParam();
  LayerHarness original(c.make, c.input);
  const Batch batch = batchFor(original, 7);
  original.forward(batch.x, true, 5);  // a training pass moves the state (moving statistics)
  LayerHarness restored(c.make, original);
  EXPECT_TRUE(sameBits(original.forward(batch.x, false).values(),
                       restored.forward(batch.x, false).values()))
      << "evaluation differs: the layer keeps something outside its parameters and state, "
         "which checkpoints and model files do not save";
  EXPECT_TRUE(sameBits(original.forward(batch.x, true, 6).values(),
                       restored.forward(batch.x, true, 6).values()))
      << "training pass differs";
  EXPECT_TRUE(sameBits(original.state(), restored.state())) << "state after a training pass";
  const Matrix dIn = original.backward(batch.x, batch.weights, c.training);
  EXPECT_TRUE(
      sameBits(dIn.values(), restored.backward(batch.x, batch.weights, c.training).values()));
  EXPECT_TRUE(sameBits(original.grads(), restored.grads())) << "parameter gradients";
}

TEST_P(LayerGradientCheck, InitializeIsReproducibleAndResetsTheState) {
  const LayerCase& c = GetParam();
  LayerHarness harness(c.make, c.input);
  Rng first(21);
  harness.layer().initialize(first);
  const std::vector<float> params = harness.params();
  const std::vector<float> state = harness.state();
  harness.forward(batchFor(harness, 7).x, true);
  Rng again(21);
  harness.layer().initialize(again);
  EXPECT_TRUE(sameBits(harness.params(), params)) << "parameters from the same stream";
  EXPECT_TRUE(sameBits(harness.state(), state)) << "state after initialize()";
}

TEST_P(LayerGradientCheck, NamedParameterTensorsCoverTheParametersInOrder) {
  const LayerCase& c = GetParam();
  LayerHarness harness(c.make, c.input);
  const auto tensors = harness.layer().parameterTensors(c.input);
  std::size_t next = 0;
  for (const auto& tensor : tensors) {
    EXPECT_FALSE(tensor.name.empty());
    EXPECT_EQ(tensor.offset, next) << "tensor '" << tensor.name << "'";
    next = tensor.offset + tensor.size;
  }
  EXPECT_EQ(next, harness.params().size())
      << "clipnorm clips each named tensor: every parameter must belong to one";
}

// A test executable links every suite of the kit and instantiates the ones it needs.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(LayerGradientCheck);

}  // namespace tunelab::testing
