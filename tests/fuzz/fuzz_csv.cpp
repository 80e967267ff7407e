// libFuzzer target: the CSV reader (parseCsv, the text readCsv reads) and the data sanity checks
// a study runs on the table before fitting anything (inputs: every column but the last, which
// is the target, as in the data sets of ../shared/datasets).
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "core/Error.h"
#include "core/data/CsvReader.h"
#include "core/data/DataSanity.h"

namespace {

void checkAsAStudyWould(const tunelab::Table& table) {
  if (table.columns.empty()) return;
  std::vector<std::size_t> inputs(table.columns.size() - 1);
  std::iota(inputs.begin(), inputs.end(), std::size_t{0});
  const tunelab::DataSpec spec;
  tunelab::checkDataSanity(table, spec, inputs, table.columns.size() - 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(  // NOLINT(readability-identifier-naming)
    const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    checkAsAStudyWould(tunelab::parseCsv(text, "fuzz.csv"));
  } catch (const tunelab::Error&) {
    // A DataError naming the file and line: what a user sees for a bad file.
  }
  return 0;
}
