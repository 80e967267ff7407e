// Activations as a model file writes them: a Keras name, or a mapping with the parameters
// Keras takes (Keras 2's and Keras 3's names for the slope); every mistake names its key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/Activation.h"
#include "core/Error.h"
#include "core/LayerRegistry.h"
#include "core/layers/StandardLayers.h"

namespace tunelab {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

struct Failure {
  std::string keyPath;
  std::string message;
};

Failure failureOf(const json& spec) {
  try {
    parseActivation(spec);
  } catch (const ConfigError& e) {
    return {e.keyPath(), e.what()};
  }
  ADD_FAILURE() << spec.dump() << " was accepted";
  return {};
}

TEST(ActivationParse, NamesTakeKerasDefaults) {
  EXPECT_EQ(parseActivation("leaky_relu"), (Activation{ActivationKind::LeakyRelu, 0.3F}));
  EXPECT_EQ(parseActivation("elu"), (Activation{ActivationKind::Elu, 1.0F}));
  EXPECT_EQ(parseActivation("celu"), (Activation{ActivationKind::Celu, 1.0F}));
  EXPECT_EQ(parseActivation("relu"), (Activation{ActivationKind::Relu}));
  EXPECT_EQ(parseActivation("silu").kind, ActivationKind::Swish);
  EXPECT_EQ(parseActivation("hard_swish").kind, ActivationKind::HardSilu);
}

TEST(ActivationParse, MappingsSetTheParameters) {
  EXPECT_EQ(parseActivation(json{{"type", "leaky_relu"}, {"alpha", 0.1}}).alpha, 0.1F);
  EXPECT_EQ(parseActivation(json{{"type", "leaky_relu"}, {"negative_slope", 0.1}}).alpha, 0.1F);
  EXPECT_EQ(parseActivation(json{{"type", "leaky_relu"}}).alpha, 0.3F);
  EXPECT_EQ(parseActivation(json{{"type", "elu"}, {"alpha", 0.5}}).alpha, 0.5F);
  EXPECT_EQ(parseActivation(json{{"type", "celu"}, {"alpha", 2}}).alpha, 2.0F);
  EXPECT_EQ(parseActivation(json{{"type", "tanh"}}).kind, ActivationKind::Tanh);
  const Activation relu = parseActivation(
      json{{"type", "relu"}, {"negative_slope", 0.1}, {"max_value", 6}, {"threshold", 0.5}});
  EXPECT_EQ(relu, (Activation{ActivationKind::Relu, 0.1F, 6.0F, 0.5F}));
  EXPECT_TRUE(std::isinf(parseActivation(json{{"type", "relu"}}).maxValue));
}

TEST(ActivationParse, UnknownKeysAreNamedWithTheNearestOne) {
  const Failure f = failureOf({{"type", "leaky_relu"}, {"alpah", 0.1}});
  EXPECT_EQ(f.keyPath, "alpah");
  EXPECT_THAT(f.message, HasSubstr("unknown key 'alpah' for the leaky_relu activation (did you "
                                   "mean 'alpha'?); valid keys: alpha, negative_slope, type"));
  const Failure none = failureOf({{"type", "softplus"}, {"alpha", 1}});
  EXPECT_EQ(none.keyPath, "alpha");
  EXPECT_THAT(none.message, HasSubstr("unknown key 'alpha' for the softplus activation"));
}

TEST(ActivationParse, BadValuesNameTheirKey) {
  // Keras' LeakyReLU and ReLU refuse a negative slope, a negative threshold or max_value.
  Failure f = failureOf({{"type", "leaky_relu"}, {"alpha", -0.1}});
  EXPECT_EQ(f.keyPath, "alpha");
  EXPECT_THAT(f.message, HasSubstr("must be >= 0, got -0.1"));
  f = failureOf({{"type", "relu"}, {"negative_slope", -1}});
  EXPECT_EQ(f.keyPath, "negative_slope");
  f = failureOf({{"type", "relu"}, {"threshold", -1}});
  EXPECT_EQ(f.keyPath, "threshold");
  f = failureOf({{"type", "relu"}, {"max_value", 0}});
  EXPECT_EQ(f.keyPath, "max_value");
  EXPECT_THAT(f.message, HasSubstr("must be > 0"));
  f = failureOf({{"type", "celu"}, {"alpha", 0}});  // celu divides by alpha
  EXPECT_EQ(f.keyPath, "alpha");
  f = failureOf({{"type", "elu"}, {"alpha", "0.5"}});
  EXPECT_EQ(f.keyPath, "alpha");
  EXPECT_THAT(f.message, HasSubstr("must be a number, got a string"));
  f = failureOf({{"type", "leaky_relu"}, {"alpha", 0.1}, {"negative_slope", 0.2}});
  EXPECT_THAT(f.message, HasSubstr("give the slope once"));
}

TEST(ActivationParse, UnknownNamesSuggestTheNearest) {
  Failure f = failureOf("softpluss");
  EXPECT_EQ(f.keyPath, "");
  EXPECT_THAT(f.message, HasSubstr("unknown activation 'softpluss' (did you mean 'softplus'?)"));
  f = failureOf({{"type", "leaky_rellu"}, {"alpha", 0.1}});
  EXPECT_EQ(f.keyPath, "type");
  EXPECT_THAT(f.message, HasSubstr("did you mean 'leaky_relu'?"));
  f = failureOf({{"alpha", 0.1}});
  EXPECT_EQ(f.keyPath, "type");
  f = failureOf(0.1);
  EXPECT_THAT(f.message, HasSubstr("must be an activation name (relu) or a mapping"));
}

std::string layerError(const std::string& type, const json& options) {
  LayerRegistry registry;
  registerStandardLayers(registry);
  try {
    registry.create(type, options);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(ActivationParse, LayersAcceptTheMappingAndPrefixItsErrors) {
  const json slope{{"type", "leaky_relu"}, {"alpha", 0.1}};
  EXPECT_EQ(layerError("dense", {{"units", 2}, {"activation", slope}}), "accepted");
  EXPECT_EQ(layerError("activation", {{"activation", slope}}), "accepted");
  EXPECT_EQ(layerError("dense", {{"units", 2}, {"activation", {{"type", "elu"}, {"alpha", "x"}}}}),
            "activation.alpha: must be a number, got a string");
  EXPECT_THAT(layerError("activation", {{"activation", "rellu"}}),
              HasSubstr("activation: unknown activation 'rellu' (did you mean 'relu'?)"));
  EXPECT_EQ(layerError("activation", json::object()),
            "activation: is required for an activation layer");
}

TEST(ActivationParse, DescriptionsShowParametersThatDifferFromTheDefaults) {
  EXPECT_EQ(describeActivation(parseActivation("leaky_relu")), "leaky_relu");
  EXPECT_EQ(describeActivation(parseActivation(json{{"type", "leaky_relu"}, {"alpha", 0.1}})),
            "leaky_relu(negative_slope=0.1)");
  EXPECT_EQ(describeActivation(parseActivation(json{{"type", "relu"}, {"max_value", 6}})),
            "relu(max_value=6)");
}

}  // namespace
}  // namespace tunelab
