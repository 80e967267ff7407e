#pragma once

#include <string>
#include <vector>

#include "experiments/config/StudySpec.h"
#include "experiments/store/StudyStore.h"

namespace tunelab {

/// report.html's section on a study of several objectives: a scatter of every complete trial
/// by the first two objectives (inline SVG, no scripts) with the Pareto front highlighted and
/// joined, and a table of the front's trials.
std::string paretoSection(const StudySpec& spec, const std::vector<TrialRecord>& trials);

}  // namespace tunelab
