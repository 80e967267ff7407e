// What an objective command prints on stdout, read once: a JSON object line gives numbers; a
// line that starts as one but is not valid JSON says what is wrong with it, so a trial that
// fails on it names the cause (a number out of range, invalid UTF-8, a line too long).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "experiments/objective/ObjectiveLine.h"

namespace tunelab {
namespace {

using Kind = ObjectiveLine::Kind;
using ::testing::HasSubstr;

TEST(ObjectiveLine, NumbersOfAnObjectLine) {
  const auto line = parseObjectiveLine(R"({"loss": 0.25, "step": 3, "note": "ok"})");
  ASSERT_EQ(line.kind, Kind::Values);
  EXPECT_DOUBLE_EQ(line.numbers.at("loss"), 0.25);
  EXPECT_DOUBLE_EQ(line.numbers.at("step"), 3);
  EXPECT_EQ(line.others.at("note"), "the string \"ok\"");
}

TEST(ObjectiveLine, ANumberOutOfRangeIsNamed) {
  const auto line = parseObjectiveLine(R"({"loss": 1e999})");
  ASSERT_EQ(line.kind, Kind::Invalid);
  EXPECT_THAT(line.problem, HasSubstr("1e999"));
  EXPECT_THAT(line.problem, HasSubstr("out of range"));
  const auto negative = parseObjectiveLine(R"({"loss": -2e400})");
  ASSERT_EQ(negative.kind, Kind::Invalid);
  EXPECT_THAT(negative.problem, HasSubstr("-2e400"));
}

TEST(ObjectiveLine, NonFiniteTokensAsPythonAndPrintfWriteThem) {
  const auto line = parseObjectiveLine(
      R"({"a": NaN, "b": Infinity, "c": -Infinity, "d": nan, "e": -inf, "f": "NaN", "g": "x NaN"})");
  ASSERT_EQ(line.kind, Kind::Values) << line.problem;
  EXPECT_TRUE(std::isnan(line.numbers.at("a")));
  EXPECT_EQ(line.numbers.at("b"), INFINITY);
  EXPECT_EQ(line.numbers.at("c"), -INFINITY);
  EXPECT_TRUE(std::isnan(line.numbers.at("d")));
  EXPECT_EQ(line.numbers.at("e"), -INFINITY);
  EXPECT_TRUE(std::isnan(line.numbers.at("f")));
  EXPECT_EQ(line.others.at("g"), "the string \"x NaN\"");  // inside a string, left alone
}

TEST(ObjectiveLine, InvalidUtf8IsReportedInPrintableText) {
  const auto line = parseObjectiveLine("{\"loss\": 0.5, \"name\": \"\xff\xfe\"}");
  ASSERT_EQ(line.kind, Kind::Invalid);
  EXPECT_THAT(line.problem, HasSubstr("UTF-8"));
  for (const char c : line.problem) {
    EXPECT_TRUE(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f)
        << line.problem;
  }
}

TEST(ObjectiveLine, ALineTooLongIsRefusedWithoutParsing) {
  std::string huge = R"({"loss": 0.5, "pad": ")" + std::string(kMaxObjectiveLineBytes, 'x') + "\"}";
  const auto line = parseObjectiveLine(huge);
  ASSERT_EQ(line.kind, Kind::Invalid);
  EXPECT_THAT(line.problem, HasSubstr("longer than 1 MiB"));
}

TEST(ObjectiveLine, BrokenJsonSaysWhere) {
  const auto line = parseObjectiveLine(R"({"loss": 0.5,})");
  ASSERT_EQ(line.kind, Kind::Invalid);
  EXPECT_THAT(line.problem, HasSubstr("not valid JSON"));
  EXPECT_THAT(line.problem, HasSubstr("column"));
}

TEST(ObjectiveLine, JsonThatIsNoObjectAndPlainText) {
  EXPECT_EQ(parseObjectiveLine("0.25").kind, Kind::NotObject);
  EXPECT_EQ(parseObjectiveLine("[0.25, 1]").kind, Kind::NotObject);
  EXPECT_EQ(parseObjectiveLine("epoch 3 done").kind, Kind::Text);
  EXPECT_EQ(parseObjectiveLine("2026-01-01 12:00 started").kind, Kind::Text);
  EXPECT_EQ(parseObjectiveLine("").kind, Kind::Text);
  const auto values = parseObjectiveLine(R"({"loss": true, "acc": null, "h": [1], "o": {}})");
  ASSERT_EQ(values.kind, Kind::Values);
  EXPECT_EQ(values.others.at("loss"), "true");
  EXPECT_EQ(values.others.at("acc"), "null");
  EXPECT_EQ(values.others.at("h"), "a list");
  EXPECT_EQ(values.others.at("o"), "an object");
}

TEST(ObjectiveLine, PrintableExcerptEscapesAndBounds) {
  EXPECT_EQ(printableExcerpt("a\tb\xff"), "a\\x09b\\xff");
  EXPECT_EQ(printableExcerpt(std::string(10, 'y'), 4), "yyyy...");
}

}  // namespace
}  // namespace tunelab
