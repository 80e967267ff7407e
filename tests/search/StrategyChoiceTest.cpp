// `strategy: auto` (the default): a space written out as lists of values runs as the whole
// grid; otherwise the Gaussian process within the sizes the search suite measured it on, and
// TPE beyond them. Each pick says why.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "search/SearchSpace.h"
#include "search/StrategyChoice.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

SearchSpace parse(const std::string& text) {
  return SearchSpace::parse(nlohmann::json::parse(text), {});
}

// The reference workload's grid: 3 x 2 x 3 x 3 = 54 points.
constexpr const char* kMagicGrid =
    R"({"nodes": {"values": [16, 32, 64]}, "dropout": {"values": [0, 0.2]},
        "lr": {"values": [0.01, 0.005, 0.001]}, "batch": {"values": [32, 64, 128]}})";

TEST(StrategyChoice, ListsOfValuesRunAsTheWholeGridWhenTheBudgetAllows) {
  for (const auto budget : {std::optional<std::size_t>{}, std::optional<std::size_t>{54}}) {
    const auto choice = chooseStrategy(parse(kMagicGrid), budget);
    EXPECT_EQ(choice.strategy, "grid");
    EXPECT_THAT(choice.reason, HasSubstr("54 points"));
  }
}

TEST(StrategyChoice, AGridCutShortByMaxTrialsIsSearchedByTheGp) {
  // The grid's first 20 points in file order would all have nodes 16: a model searches it.
  EXPECT_EQ(chooseStrategy(parse(kMagicGrid), 20).strategy, "gp");
}

TEST(StrategyChoice, RangesWithinTheSuitesSizesRunTheGp) {
  const auto choice =
      chooseStrategy(parse(R"({"lr": {"min": 1e-4, "max": 0.1, "distribution": "log_uniform"},
                "units": {"min": 16, "max": 256}, "act": {"values": ["relu", "tanh"]}})"),
                     50);
  EXPECT_EQ(choice.strategy, "gp");
  EXPECT_THAT(choice.reason, HasSubstr("3 parameters and 50 trials"));
  EXPECT_THAT(choice.reason, HasSubstr("bench/RESULTS.md"));
}

TEST(StrategyChoice, BeyondTheSuitesSizesTpe) {
  std::string eleven = "{";
  for (int i = 0; i <= 10; ++i) {
    eleven +=
        std::string(i ? "," : "") + "\"x" + std::to_string(i) + R"(": {"min": 0.0, "max": 1.0})";
  }
  eleven += "}";
  const auto wide = chooseStrategy(parse(eleven), 50);
  EXPECT_EQ(wide.strategy, "tpe");
  EXPECT_THAT(wide.reason, HasSubstr("11 parameters"));
  const auto long_ =
      chooseStrategy(parse(R"({"x": {"min": 0.0, "max": 1.0}})"), kAutoGpMaxTrials + 1);
  EXPECT_EQ(long_.strategy, "tpe");
  EXPECT_THAT(long_.reason, HasSubstr("201 trials"));
  EXPECT_EQ(chooseStrategy(parse(R"({"x": {"min": 0.0, "max": 1.0}})"), kAutoGpMaxTrials).strategy,
            "gp");
}

TEST(StrategyChoice, WithoutMaxTrialsAFiniteSpacesSizeIsTheBudget) {
  const auto whole =
      chooseStrategy(parse(R"({"a": {"min": 1, "max": 40}, "b": {"min": 1, "max": 50}})"), {});
  EXPECT_EQ(whole.strategy, "tpe");
  EXPECT_THAT(whole.reason, HasSubstr("2000 trials"));
  EXPECT_EQ(chooseStrategy(parse(R"({"a": {"min": 1, "max": 10}, "b": {"min": 1, "max": 5}})"), {})
                .strategy,
            "gp");
}

TEST(StrategyChoice, SeveralObjectivesRunNsga2UnlessTheGridFits) {
  const auto pareto = chooseStrategy(parse(R"({"units": {"min": 2, "max": 64}})"), 30, 2);
  EXPECT_EQ(pareto.strategy, "nsga2");
  EXPECT_THAT(pareto.reason, HasSubstr("2 objectives"));
  EXPECT_EQ(chooseStrategy(parse(kMagicGrid), std::nullopt, 2).strategy, "grid");
}

}  // namespace
}  // namespace tunelab
