#pragma once

#include <iosfwd>

#include "experiments/cli/StoredStudy.h"

namespace tunelab {

/// `tunelab compare`: per backend, total time, median epoch time, peak memory and the largest
/// difference in final validation loss from the reference backend on the same trials.
int runCompare(const StudyLocation& where, std::ostream& out, std::ostream& err);

}  // namespace tunelab
