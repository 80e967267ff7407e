#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "core/Error.h"
#include "core/data/CsvReader.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

std::string errorOf(const std::string& text, const CsvOptions& options = {}) {
  try {
    parseCsv(text, "bad.csv", options);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(CsvReader, InfersNumericAndCategoricalColumnsAndMissingValues) {
  const Table t = parseCsv("a,b,c\n1,x,2.5\n?,y,\n3,,1e3\n", "t.csv");
  ASSERT_EQ(t.rows(), 3U);
  EXPECT_EQ(t.columns[0].kind, Column::Kind::Numeric);
  EXPECT_TRUE(t.columns[0].isMissing(1));
  EXPECT_EQ(t.columns[1].kind, Column::Kind::Categorical);
  EXPECT_TRUE(t.columns[1].isMissing(2));
  EXPECT_EQ(t.columns[1].text[1], "y");
  EXPECT_EQ(t.columns[2].kind, Column::Kind::Numeric);
  EXPECT_TRUE(t.columns[2].isMissing(1));
  EXPECT_DOUBLE_EQ(t.columns[2].numbers[2], 1000.0);
  EXPECT_EQ(t.lines[2], 4U);
}

TEST(CsvReader, QuotedFieldsAndCrLf) {
  const Table t = parseCsv("name,value\r\n\"Smith, J\",1\r\n\"say \"\"hi\"\"\",2\r\n", "q.csv");
  ASSERT_EQ(t.rows(), 2U);
  EXPECT_EQ(t.columns[0].text[0], "Smith, J");
  EXPECT_EQ(t.columns[0].text[1], "say \"hi\"");
  EXPECT_DOUBLE_EQ(t.columns[1].numbers[1], 2.0);
}

TEST(CsvReader, OtherDelimiterAndDeclaredTypes) {
  CsvOptions o;
  o.delimiter = ';';
  o.columnTypes = {{"zip", "categorical"}};
  const Table t = parseCsv("zip;price\n01234;10\n99999;20\n", "d.csv", o);
  EXPECT_EQ(t.columns[0].kind, Column::Kind::Categorical);
  EXPECT_EQ(t.columns[0].text[0], "01234");
}

TEST(CsvReader, ErrorsNameFileAndLine) {
  EXPECT_THAT(errorOf("a,b\n1,2\n3\n"),
              AllOf(HasSubstr("bad.csv:3"), HasSubstr("expected 2 fields"), HasSubstr("found 1")));
  CsvOptions numeric;
  numeric.columnTypes = {{"b", "numeric"}};
  EXPECT_THAT(errorOf("a,b\n1,2\n3,oops\n", numeric),
              AllOf(HasSubstr("bad.csv:3"), HasSubstr("'b'"), HasSubstr("oops")));
  EXPECT_THAT(errorOf("a,b\n"), HasSubstr("no data rows"));
  EXPECT_THAT(errorOf(""), HasSubstr("empty"));
  EXPECT_THAT(errorOf("a,b\n\"open,1\n"), HasSubstr("never closes"));
}

TEST(CsvReader, MissingFileIsNamed) {
  try {
    readCsv("/nonexistent/dir/data.csv");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("/nonexistent/dir/data.csv"), HasSubstr("no such file")));
  }
}

TEST(CsvReader, ReadsMagic) {
  TUNELAB_REQUIRE_DATASET("magic04");
  const auto path = test::datasetFile("magic04");
  const Table t = readCsv(path);
  EXPECT_EQ(t.rows(), 19020U);
  EXPECT_EQ(t.columns.size(), 11U);
  EXPECT_EQ(t.columns.back().kind, Column::Kind::Categorical);
}

}  // namespace
}  // namespace tunelab
