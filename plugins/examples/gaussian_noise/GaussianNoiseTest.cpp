// The gaussian_noise layer against the plugin kit's gradient check, in training (noise drawn
// from the trial's stream) and in evaluation (the identity).
#include <gtest/gtest.h>

#include "GaussianNoise.h"
#include "plugins/testing/LayerGradientCheck.h"

namespace {

using tunelab::testing::LayerGradientCheck;

tunelab::testing::LayerMaker noise(double stddev) {
  return [stddev] {
    return std::make_unique<example::GaussianNoise>(nlohmann::json{{"stddev", stddev}});
  };
}

INSTANTIATE_TEST_SUITE_P(GaussianNoise, LayerGradientCheck,
                         ::testing::Values(tunelab::testing::LayerCase{"training", noise(0.1),
                                                                       tunelab::Shape{6}, true},
                                           tunelab::testing::LayerCase{"evaluation", noise(0.1),
                                                                       tunelab::Shape{6}, false},
                                           tunelab::testing::LayerCase{"image_input", noise(0.5),
                                                                       tunelab::Shape{3, 4}, true}),
                         tunelab::testing::CaseName{});

}  // namespace
