#include "core/data/CsvReader.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits the text into records of fields, following RFC 4180 quoting.
class RecordReader {
 public:
  RecordReader(const std::string& text, char delimiter) : text_(text), delimiter_(delimiter) {}

  // Reads the next record into `fields`; false at the end. `line` gets its first line number.
  bool next(std::vector<std::string>& fields, std::size_t& line) {
    fields.clear();
    // Skip blank lines between records.
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
    if (pos_ >= text_.size()) return false;
    line = line_;
    std::string field;
    bool quoted = false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (quoted) {
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field += '"';
            ++pos_;
          } else {
            quoted = false;
          }
        } else {
          if (c == '\n') ++line_;
          field += c;
        }
        continue;
      }
      if (c == '"' && trim(field).empty()) {
        quoted = true;
        field.clear();
      } else if (c == delimiter_) {
        fields.push_back(std::move(field));
        field.clear();
      } else if (c == '\n') {
        ++line_;
        break;
      } else if (c != '\r') {
        field += c;
      }
    }
    if (quoted) {
      throw DataError("a quoted field opened on line " + std::to_string(line) + " never closes");
    }
    fields.push_back(std::move(field));
    return true;
  }

 private:
  const std::string& text_;
  char delimiter_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

// "1,000,000": limits read better with separators.
std::string thousandsSeparated(std::uintmax_t n) {
  std::string digits = std::to_string(n);
  for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return digits;
}

// Columns are addressed by name (target, drop, columns), so a name may be used once.
void checkCsvHeader(const Table& table, const std::string& source, const CsvOptions& options) {
  if (table.columns.size() > options.maxColumns) {
    throw DataError(source + ":1: the header has " + thousandsSeparated(table.columns.size()) +
                    " columns; tunelab reads at most " + thousandsSeparated(options.maxColumns));
  }
  std::unordered_map<std::string_view, std::size_t> seen;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const auto [at, fresh] = seen.try_emplace(table.columns[c].name, c);
    if (fresh) continue;
    throw DataError(source + ":1: the column name '" + table.columns[c].name +
                    "' is used twice (columns " + std::to_string(at->second + 1) + " and " +
                    std::to_string(c + 1) +
                    "); columns are addressed by name (target, drop, columns), so rename one");
  }
}

}  // namespace

bool parseCsvNumber(std::string_view s, double& value) {
  s = trim(s);
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ptr != s.data() + s.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    // from_chars leaves the value alone: strtod gives +-inf for 1e400 and 0 for 1e-400.
    value = std::strtod(std::string(s).c_str(), nullptr);
    return true;
  }
  return ec == std::errc();
}

namespace {

void checkDeclaredColumns(const Table& table, const std::string& source,
                          const CsvOptions& options) {
  for (const auto& [name, type] : options.columnTypes) {
    if (table.find(name) == static_cast<std::size_t>(-1)) {
      throw ConfigError("columns." + name, "no column '" + name + "' in " + source +
                                               "; columns: " + joinNames(table.names()));
    }
    if (type != "numeric" && type != "categorical") {
      throw ConfigError("columns." + name, "must be numeric or categorical, got '" + type + "'");
    }
  }
}

// The cells of every data row, column by column; the rows' line numbers go to table.lines.
std::vector<std::vector<std::string>> readCells(RecordReader& reader, Table& table,
                                                const std::string& source,
                                                const CsvOptions& options) {
  const std::size_t width = table.columns.size();
  std::vector<std::vector<std::string>> cells(width);
  std::vector<std::string> fields;
  std::size_t line = 0;
  while (reader.next(fields, line)) {
    if (fields.size() != width) {
      throw DataError(source + ":" + std::to_string(line) + ": expected " + std::to_string(width) +
                      " fields (as in the header), found " + std::to_string(fields.size()));
    }
    for (std::size_t c = 0; c < width; ++c) cells[c].push_back(std::move(fields[c]));
    table.lines.push_back(line);
    if (table.lines.size() * width > options.maxCells) {
      throw DataError(source + ":" + std::to_string(line) + ": more than " +
                      thousandsSeparated(options.maxCells) +
                      " cells (rows x columns); tunelab reads at most that many");
    }
  }
  if (table.lines.empty()) throw DataError(source + ": no data rows after the header");
  return cells;
}

// A column is numeric when every cell but the missing ones is a number, unless declared.
void typeColumn(Column& column, const std::vector<std::string>& cells,
                const std::vector<std::size_t>& lines, const std::string& source,
                const CsvOptions& options) {
  auto isMissing = [&](std::string_view cell) {
    const auto t = trim(cell);
    return std::find(options.missingMarkers.begin(), options.missingMarkers.end(), t) !=
           options.missingMarkers.end();
  };
  const auto declared = options.columnTypes.find(column.name);
  const bool declaredNumeric =
      declared != options.columnTypes.end() && declared->second == "numeric";
  const std::size_t rows = cells.size();
  std::vector<double> numbers(rows);
  bool numeric = declared == options.columnTypes.end() || declaredNumeric;
  for (std::size_t r = 0; r < rows && numeric; ++r) {
    if (isMissing(cells[r])) {
      numbers[r] = std::numeric_limits<double>::quiet_NaN();
    } else if (!parseCsvNumber(cells[r], numbers[r])) {
      if (declaredNumeric) {
        throw DataError(source + ":" + std::to_string(lines[r]) + ": column '" + column.name +
                        "' is declared numeric, but holds '" + cells[r] + "'");
      }
      numeric = false;
    }
  }
  if (numeric) {
    column.kind = Column::Kind::Numeric;
    column.numbers = std::move(numbers);
    return;
  }
  column.kind = Column::Kind::Categorical;
  column.missing.resize(rows);
  column.text.resize(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    column.missing[r] = isMissing(cells[r]) ? 1 : 0;
    column.text[r] = std::string(trim(cells[r]));
  }
}

}  // namespace

Table parseCsv(const std::string& text, const std::string& source, const CsvOptions& options) {
  Table table;
  table.source = source;
  RecordReader reader(text, options.delimiter);
  std::vector<std::string> fields;
  std::size_t line = 0;
  if (!reader.next(fields, line)) throw DataError(source + ": the file is empty (no header row)");
  for (auto& name : fields) table.columns.push_back({std::string(trim(name))});
  checkCsvHeader(table, source, options);
  checkDeclaredColumns(table, source, options);
  const auto cells = readCells(reader, table, source, options);
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    typeColumn(table.columns[c], cells[c], table.lines, source, options);
  }
  return table;
}

Table readCsv(const std::filesystem::path& path, const CsvOptions& options) {
  if (std::filesystem::is_directory(path)) {
    throw DataError(path.string() + ": is a directory, not a CSV file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DataError(path.string() + ": cannot open the data file" +
                    (std::filesystem::exists(path) ? " (permission denied?)" : " (no such file)"));
  }
  if (std::error_code ec; std::filesystem::file_size(path, ec) > options.maxBytes && !ec) {
    throw DataError(
        path.string() + ": the file has " + thousandsSeparated(std::filesystem::file_size(path)) +
        " bytes; tunelab reads CSV files of at most " + thousandsSeparated(options.maxBytes));
  }
  // What is read is held to the limit too: a pipe, a FIFO or /dev/stdin has no size to check
  // first.
  std::string text;
  std::array<char, 65536> buffer{};
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > options.maxBytes) {
      throw DataError(path.string() + ": more than " + thousandsSeparated(options.maxBytes) +
                      " bytes were read from it; tunelab reads CSV files of at most " +
                      thousandsSeparated(options.maxBytes));
    }
  }
  if (in.bad()) throw DataError(path.string() + ": cannot read the data file");
  try {
    return parseCsv(text, path.filename().string(), options);
  } catch (const DataError& e) {
    // Quote-related errors are raised without the file name.
    const std::string what = e.what();
    if (what.rfind(path.filename().string(), 0) == 0) throw;
    throw DataError(path.filename().string() + ": " + what);
  }
}

}  // namespace tunelab
