#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/Error.h"
#include "search/Enumerate.h"
#include "search/SearchSpace.h"

namespace tunelab {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// `order` is the file's order; a JSON object alone sorts its keys.
SearchSpace parse(const std::string& text, const std::vector<std::string>& order = {}) {
  return SearchSpace::parse(json::parse(text), order);
}

std::string errorOf(const std::string& text) {
  try {
    parse(text);
  } catch (const ConfigError& e) {
    return e.keyPath() + ": " + e.detail();
  }
  return "no error";
}

TEST(SearchSpace, RejectsBadParametersWithKeyAndReason) {
  EXPECT_THAT(errorOf(R"({"lr": {"min": 0.1, "max": 0.01}})"),
              HasSubstr("lr.min: min 0.1 is greater than max 0.01"));
  EXPECT_THAT(errorOf(R"({"lr": {"min": 0, "max": 1, "distribution": "log_uniform"}})"),
              HasSubstr("lr.min: log_uniform needs min > 0"));
  EXPECT_THAT(errorOf(R"({"nodes": {"values": []}})"),
              HasSubstr("nodes.values: expected a non-empty"));
  EXPECT_THAT(errorOf(R"({"m": {"values": [0.9], "when": {"optimizer": "sgd"}}})"),
              HasSubstr("m.when: condition on unknown parameter 'optimizer'"));
  EXPECT_THAT(errorOf(R"({"lr": {"min": 0.1, "max": 1, "distribuion": "uniform"}})"),
              HasSubstr("did you mean 'distribution'"));
  EXPECT_THAT(errorOf(R"({"a": {"values": [1, 1]}})"), HasSubstr("listed twice"));
}

TEST(SearchSpace, DecodesLogScaleAndIntegersIntoBounds) {
  const SearchSpace space =
      parse(R"({"lr": {"min": 1e-4, "max": 1e-1, "distribution": "log_uniform"},
                                      "n": {"min": 1, "max": 4}})");
  const json low = space.decode(std::vector<double>{0.0, 0.0});
  const json mid = space.decode(std::vector<double>{0.5, 0.6});
  EXPECT_NEAR(low["lr"].get<double>(), 1e-4, 1e-12);
  EXPECT_NEAR(mid["lr"].get<double>(), std::sqrt(1e-4 * 1e-1), 1e-9);  // geometric mean
  EXPECT_EQ(low["n"], 1);
  EXPECT_EQ(mid["n"], 3);
  EXPECT_TRUE(mid["n"].is_number_integer());
}

TEST(SearchSpace, EncodingOfADecodedFiniteValueDecodesToTheSameValue) {
  const SearchSpace space = parse(R"({"a": {"values": ["x", "y", "z"]}, "n": {"min": 2, "max": 64,
      "distribution": "int_log_uniform"}, "q": {"min": 0, "max": 0.5, "q": 0.1}})");
  Rng rng(3);
  for (int i = 0; i < 500; ++i) {
    const json point = space.sample(rng);
    EXPECT_EQ(space.decode(space.encode(point)), point) << point.dump();
  }
}

TEST(SearchSpace, ConditionalParameterIsActiveOnlyWhenItsConditionHolds) {
  const SearchSpace space = parse(R"({"optimizer": {"values": ["sgd", "adam"]},
      "momentum": {"values": [0.0, 0.9], "when": {"optimizer": "sgd"}}})",
                                  {"optimizer", "momentum"});
  const auto points = enumeratePoints(space, "grid");
  ASSERT_EQ(points.size(), 3U);
  EXPECT_EQ(points[0], json::parse(R"({"optimizer": "sgd", "momentum": 0.0})"));
  EXPECT_EQ(points[1], json::parse(R"({"optimizer": "sgd", "momentum": 0.9})"));
  EXPECT_EQ(points[2], json::parse(R"({"optimizer": "adam"})"));
}

TEST(SearchSpace, ConditionOnALaterParameterAsksToDeclareItFirst) {
  EXPECT_THAT(errorOf(R"({"optimizer": {"values": ["sgd"]},
      "momentum": {"values": [0.9], "when": {"optimizer": "sgd"}}})"),
              HasSubstr("momentum.when: condition on 'optimizer', which is declared after"));
}

TEST(SearchSpace, GridOfAContinuousParameterSaysHowToListValues) {
  const SearchSpace space = parse(R"({"lr": {"min": 0.001, "max": 0.1}})");
  try {
    enumeratePoints(space, "grid");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.keyPath(), "parameters.lr");
    EXPECT_THAT(e.detail(), HasSubstr("give values: [...]"));
  }
}

}  // namespace
}  // namespace tunelab
