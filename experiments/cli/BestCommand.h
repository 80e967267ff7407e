#pragma once

#include <cstddef>
#include <iosfwd>

#include "experiments/cli/StoredStudy.h"

namespace tunelab {

/// `tunelab best`: the `count` best trials with their parameters and test metrics.
int runBest(const StudyLocation& where, std::size_t count, std::ostream& out, std::ostream& err);

}  // namespace tunelab
