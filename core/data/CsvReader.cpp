#include "core/data/CsvReader.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool parseNumber(std::string_view s, double& value) {
  s = trim(s);
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && ptr == s.data() + s.size();
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

}  // namespace

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
                                                const std::string& source) {
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
    } else if (!parseNumber(cells[r], numbers[r])) {
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
  checkDeclaredColumns(table, source, options);
  const auto cells = readCells(reader, table, source);
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    typeColumn(table.columns[c], cells[c], table.lines, source, options);
  }
  return table;
}

Table readCsv(const std::filesystem::path& path, const CsvOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DataError(path.string() + ": cannot open the data file" +
                    (std::filesystem::exists(path) ? " (permission denied?)" : " (no such file)"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return parseCsv(text.str(), path.filename().string(), options);
  } catch (const DataError& e) {
    // Quote-related errors are raised without the file name.
    const std::string what = e.what();
    if (what.rfind(path.filename().string(), 0) == 0) throw;
    throw DataError(path.filename().string() + ": " + what);
  }
}

}  // namespace tunelab
