#pragma once

#include <set>
#include <string>
#include <vector>

#include "experiments/config/StudySpec.h"
#include "experiments/store/StudyStore.h"

namespace tunelab {

/// The Pareto front of a study of several objectives: the primary backend's trials with every
/// objective's value that no other such trial dominates (by each objective's goal), best first
/// by the first objective. Empty for a study of one objective.
std::vector<TrialRecord> paretoFront(const std::vector<TrialRecord>& trials, const StudySpec& spec);

/// The trial ids of paretoFront.
std::set<TrialId> paretoIds(const std::vector<TrialRecord>& trials, const StudySpec& spec);

/// The front as `tunelab best` prints it: a row per trial with each objective and its
/// parameters.
std::string formatParetoFront(const std::vector<TrialRecord>& trials, const StudySpec& spec);

}  // namespace tunelab
