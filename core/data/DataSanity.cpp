#include "core/data/DataSanity.h"

#include <cfloat>
#include <cmath>
#include <optional>
#include <sstream>

#include "core/Error.h"
#include "core/data/CsvReader.h"

namespace tunelab {

namespace {

constexpr std::size_t kSanityShown = 5;  // cells or columns named in one message

// "a, b, c and 4 more"
std::string namedList(const std::vector<std::string>& items) {
  std::string text;
  for (std::size_t i = 0; i < items.size() && i < kSanityShown; ++i) {
    text += (i == 0 ? "" : ", ") + items[i];
  }
  if (items.size() > kSanityShown)
    text += " and " + std::to_string(items.size() - kSanityShown) + " more";
  return text;
}

std::string lineOf(const Table& table, std::size_t row) {
  return "line " + std::to_string(table.lines[row]);
}

// A number the model cannot use: inf, or beyond a float when nothing scales it down.
bool unusableNumber(double v, const DataSpec& spec) {
  return std::isinf(v) || (spec.numeric == "none" && std::fabs(v) > FLT_MAX);
}

void refuseNonFinite(const Table& table, const Column& column, const DataSpec& spec) {
  if (column.kind != Column::Kind::Numeric) return;
  std::vector<std::string> cells;
  for (std::size_t r = 0; r < column.numbers.size(); ++r) {
    const double v = column.numbers[r];
    if (!unusableNumber(v, spec)) continue;
    std::ostringstream value;
    value << v;
    cells.push_back(value.str() + " on " + lineOf(table, r));
  }
  if (cells.empty()) return;
  throw DataError(table.source + ": column '" + column.name + "' holds " +
                  std::to_string(cells.size()) + " number" + (cells.size() == 1 ? "" : "s") +
                  " too large to train on (" + namedList(cells) +
                  "; inf, or written beyond 1.8e308): scaled, they make the column NaN and "
                  "training sits at chance level. Fix the cells, list them as written under "
                  "data.missing_values to impute them, or drop the column (data.drop)");
}

// A column of numbers but for a few cells was read as text; one-hot encoding it would make a
// category of every distinct number.
void refuseStrayText(const Table& table, const Column& column, const DataSpec& spec) {
  if (column.kind != Column::Kind::Categorical || spec.columnTypes.count(column.name) != 0) return;
  std::size_t present = 0;
  std::vector<std::string> text;
  for (std::size_t r = 0; r < column.text.size(); ++r) {
    if (column.missing[r] != 0) continue;
    ++present;
    double ignored = 0.0;
    if (!parseCsvNumber(column.text[r], ignored)) {
      text.push_back("'" + column.text[r] + "' on " + lineOf(table, r));
    }
  }
  const std::size_t numbers = present - text.size();
  if (numbers == 0 || numbers * 10 < present * 9) return;  // mostly text: categories indeed
  throw DataError(
      table.source + ": column '" + column.name + "' holds numbers but for " +
      std::to_string(text.size()) + " cell" + (text.size() == 1 ? "" : "s") + " (" +
      namedList(text) + "), which would turn it into " + std::to_string(present) +
      " rows of text categories. Fix the cells, list them under data.missing_values, or declare "
      "the column (data.columns: {" +
      column.name + ": categorical} if it is categories)");
}

bool allMissing(const Column& column) {
  for (std::size_t r = 0; r < column.numbers.size() + column.text.size(); ++r) {
    if (!column.isMissing(r)) return false;
  }
  return true;
}

// The one value every present cell holds, or nothing when they differ.
std::optional<std::string> onlyValue(const Column& column) {
  const std::size_t rows = column.numbers.size() + column.text.size();
  std::optional<std::size_t> first;
  for (std::size_t r = 0; r < rows; ++r) {
    if (column.isMissing(r)) continue;
    if (!first) {
      first = r;
    } else if (column.kind == Column::Kind::Numeric ? column.numbers[r] != column.numbers[*first]
                                                    : column.text[r] != column.text[*first]) {
      return std::nullopt;
    }
  }
  if (!first) return std::nullopt;
  if (column.kind == Column::Kind::Categorical) return "'" + column.text[*first] + "'";
  std::ostringstream value;
  value << column.numbers[*first];
  return value.str();
}

std::string columnsWarning(const Table& table, const std::vector<std::string>& names,
                           const std::string& what) {
  const bool one = names.size() == 1;
  return table.source + ": " + (one ? "column " : std::to_string(names.size()) + " columns ") +
         namedList(names) + (one ? " holds " : " hold ") + what +
         ", so the model learns nothing from " + (one ? "it" : "them") + "; drop " +
         (one ? "it" : "them") + " (data.drop) to silence this warning";
}

}  // namespace

std::vector<std::string> checkDataSanity(const Table& table, const DataSpec& spec,
                                         const std::vector<std::size_t>& inputs,
                                         std::size_t target) {
  const Column& targetColumn = table.columns[target];
  if (allMissing(targetColumn)) {
    throw DataError(table.source + ": the target column '" + targetColumn.name +
                    "' has no values (every cell is missing)");
  }
  refuseNonFinite(table, targetColumn, spec);
  refuseStrayText(table, targetColumn, spec);
  std::vector<std::string> empty;
  std::vector<std::string> constant;
  for (const std::size_t c : inputs) {
    const Column& column = table.columns[c];
    refuseNonFinite(table, column, spec);
    refuseStrayText(table, column, spec);
    if (allMissing(column)) {
      if (spec.missing == "drop") {
        throw DataError(table.source + ": column '" + column.name +
                        "' has no values, and missing: drop drops every row missing one; drop "
                        "the column (data.drop) or impute (missing: median)");
      }
      empty.push_back("'" + column.name + "'");
    } else if (const auto value = onlyValue(column)) {
      constant.push_back("'" + column.name + "' (" + *value + ")");
    }
  }
  std::vector<std::string> warnings;
  if (!empty.empty())
    warnings.push_back(columnsWarning(table, empty, "no values (every cell is missing)"));
  if (!constant.empty())
    warnings.push_back(columnsWarning(table, constant, "one value in every row"));
  return warnings;
}

}  // namespace tunelab
