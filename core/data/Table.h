#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tunelab {

/// One column of a table read from a file: numbers (NaN where missing) or text categories.
struct Column {
  enum class Kind : std::uint8_t { Numeric, Categorical };

  std::string name;
  Kind kind = Kind::Numeric;
  std::vector<double> numbers;        // Numeric: one per row, NaN = missing
  std::vector<std::string> text;      // Categorical: one per row
  std::vector<std::uint8_t> missing;  // Categorical: 1 where the cell was a missing marker

  bool isMissing(std::size_t row) const {
    return kind == Kind::Numeric ? std::isnan(numbers[row]) : missing[row] != 0;
  }
};

/// A table read from a CSV file, column by column, with the file line of every row.
struct Table {
  std::string source;  // file name, for messages
  std::vector<Column> columns;
  std::vector<std::size_t> lines;  // lines[r] = 1-based file line of row r

  std::size_t rows() const { return lines.size(); }
  /// Index of the column named `name`, or npos.
  std::size_t find(const std::string& name) const {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].name == name) return i;
    }
    return static_cast<std::size_t>(-1);
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& c : columns) out.push_back(c.name);
    return out;
  }
};

}  // namespace tunelab
