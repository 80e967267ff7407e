#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/Export.h"
#include "core/data/Table.h"

namespace tunelab {

struct CsvOptions {
  char delimiter = ',';
  /// Cells that mean "no value" (compared after trimming spaces).
  std::vector<std::string> missingMarkers = {"", "?", "NA", "NaN", "nan"};
  /// Column name -> "numeric" | "categorical"; other columns are inferred: numeric when every
  /// present cell is a number.
  std::map<std::string, std::string> columnTypes;
  /// Limits (docs/experiment-format.md): every cell is held as text while the file is typed,
  /// about 40 bytes each, so these keep a mistaken or hostile file from taking the machine.
  std::uintmax_t maxBytes = std::uintmax_t{1} << 30U;  // 1 GiB
  std::size_t maxColumns = 1'000'000;
  std::size_t maxCells = 50'000'000;  // rows x columns
};

/// A cell as the reader takes it for a number: decimal or scientific, surrounding spaces and a
/// leading '+' allowed; "inf", "nan" and out-of-range values such as 1e400 (as +-inf) included.
TUNELAB_API bool parseCsvNumber(std::string_view cell, double& value);

/// Reads a CSV file with a header row (RFC 4180 quoting, CRLF tolerated). Throws DataError
/// naming the file and line: a row with the wrong number of fields, a non-number in a column
/// declared numeric (with column and value), a column name used twice, no data rows, an
/// unreadable file, a file beyond the limits of `options`.
TUNELAB_API Table readCsv(const std::filesystem::path& path, const CsvOptions& options = {});

/// The same from text in memory; `source` names it in messages.
TUNELAB_API Table parseCsv(const std::string& text, const std::string& source,
                           const CsvOptions& options = {});

}  // namespace tunelab
