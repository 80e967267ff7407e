#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

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

// Columns are addressed by name (target, drop, columns): a name used twice is refused.
TEST(CsvReader, DuplicateColumnNamesAreRefused) {
  EXPECT_EQ(errorOf("a,b,a\n1,2,3\n"),
            "bad.csv:1: the column name 'a' is used twice (columns 1 and 3); columns are addressed "
            "by name (target, drop, columns), so rename one");
}

TEST(CsvReader, ColumnAndCellLimitsAreEnforcedWithTheLine) {
  CsvOptions o;
  o.maxColumns = 2;
  EXPECT_EQ(errorOf("a,b,c\n1,2,3\n", o),
            "bad.csv:1: the header has 3 columns; tunelab reads at most 2");
  o = {};
  o.maxCells = 4;
  EXPECT_EQ(errorOf("a,b\n1,2\n3,4\n5,6\n", o),
            "bad.csv:4: more than 4 cells (rows x columns); tunelab reads at most that many");
}

TEST(CsvReader, FileSizeLimitIsCheckedBeforeReading) {
  const auto dir = test::scratchDir("csv-size");
  std::ofstream(dir / "big.csv") << "a,b\n1,2\n3,4\n";
  CsvOptions o;
  o.maxBytes = 8;
  try {
    readCsv(dir / "big.csv", o);
    ADD_FAILURE() << "read a file beyond the limit";
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "big.csv").string() +
                                         ": the file has 12 bytes; tunelab reads CSV files of "
                                         "at most 8");
  }
  EXPECT_EQ(CsvOptions{}.maxBytes, std::uintmax_t{1} << 30U);
  EXPECT_EQ(CsvOptions{}.maxColumns, 1'000'000U);
}

// Seen: the limit was checked on a regular file's size only; a FIFO, a pipe or /dev/stdin has
// none, and was read whole however much came.
TEST(CsvReader, DataFromAPipeIsHeldToTheSameSizeLimit) {
  const auto dir = test::scratchDir("csv-fifo");
  const auto fifo = dir / "stream.csv";
  auto readThroughFifo = [&](const std::string& text, const CsvOptions& options) {
    EXPECT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    // Less than the pipe's buffer: written whole, however much of it is read.
    std::thread writer([&] { std::ofstream(fifo) << text; });
    std::string error;
    try {
      const Table t = readCsv(fifo, options);
      error = "read " + std::to_string(t.rows()) + " rows";
    } catch (const DataError& e) {
      error = e.what();
    }
    writer.join();
    std::filesystem::remove(fifo);
    return error;
  };
  std::string rows = "a,b\n";
  for (int r = 0; r < 20; ++r) rows += std::to_string(r) + "," + std::to_string(r * r) + "\n";
  CsvOptions o;
  o.maxBytes = 64;
  EXPECT_EQ(readThroughFifo(rows, o),
            fifo.string() +
                ": more than 64 bytes were read from it; tunelab reads CSV files of at most 64");
  EXPECT_EQ(readThroughFifo(rows, {}), "read 20 rows");
}

// from_chars refuses 1e400; it is a number (too large), not text that makes the column
// categorical. 1e-400 is 0.
TEST(CsvReader, OutOfRangeNumbersAreInfinityOrZero) {
  const Table t = parseCsv("a\n1e400\n-1e400\n1e-400\ninf\n", "t.csv");
  ASSERT_EQ(t.columns[0].kind, Column::Kind::Numeric);
  EXPECT_EQ(t.columns[0].numbers[0], std::numeric_limits<double>::infinity());
  EXPECT_EQ(t.columns[0].numbers[1], -std::numeric_limits<double>::infinity());
  EXPECT_EQ(t.columns[0].numbers[2], 0.0);
  EXPECT_EQ(t.columns[0].numbers[3], std::numeric_limits<double>::infinity());
}

TEST(CsvReader, ADirectoryIsNotACsvFile) {
  const auto dir = test::scratchDir("csv-dir");
  try {
    readCsv(dir);
    ADD_FAILURE() << "read a directory";
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()), dir.string() + ": is a directory, not a CSV file");
  }
}

}  // namespace
}  // namespace tunelab
