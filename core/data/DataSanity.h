#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/Export.h"
#include "core/data/DataSpec.h"
#include "core/data/Table.h"

namespace tunelab {

/// Checks the columns a model would read (`inputs` and `target` of `table`) before anything is
/// fitted. Throws DataError, naming the file, the column and the first rows, for what would make
/// training meaningless: non-finite numbers (inf, 1e400) in a column used as a number, a column
/// of numbers with a few text cells (which would turn it into categories), a target with no
/// values, an input with no values when rows missing one are dropped. Returns warnings, one
/// line per kind, for what is merely useless: inputs with no values or one value in every row.
TUNELAB_API std::vector<std::string> checkDataSanity(const Table& table, const DataSpec& spec,
                                                     const std::vector<std::size_t>& inputs,
                                                     std::size_t target);

}  // namespace tunelab
