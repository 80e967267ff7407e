#pragma once

#include <iosfwd>
#include <vector>

#include "experiments/config/StudySpec.h"
#include "experiments/store/StudyStore.h"

namespace tunelab {

/// What a finished run leaves: the best trials on `out`, <output>/results.csv and
/// <output>/report.html. Throws Error naming a file it cannot write.
void writeStudyOutputs(std::ostream& out, const StudySpec& study, StudyStore& store,
                       const std::vector<TrialRecord>& trials);

}  // namespace tunelab
