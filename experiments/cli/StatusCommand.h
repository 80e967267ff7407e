#pragma once

#include <iosfwd>

#include "experiments/cli/StoredStudy.h"

namespace tunelab {

/// `tunelab status`: trials by status, the best so far, what runs again on resume.
int runStatus(const StudyLocation& where, std::ostream& out, std::ostream& err);

}  // namespace tunelab
