#pragma once

#include <filesystem>
#include <map>
#include <string>
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
};

/// Reads a CSV file with a header row (RFC 4180 quoting, CRLF tolerated). Throws DataError
/// naming the file and line: a row with the wrong number of fields, a non-number in a column
/// declared numeric (with column and value), no data rows, an unreadable file.
TUNELAB_API Table readCsv(const std::filesystem::path& path, const CsvOptions& options = {});

/// The same from text in memory; `source` names it in messages.
TUNELAB_API Table parseCsv(const std::string& text, const std::string& source,
                           const CsvOptions& options = {});

}  // namespace tunelab
