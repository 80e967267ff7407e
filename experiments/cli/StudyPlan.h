#pragma once

#include <iosfwd>

#include "core/data/PrepareData.h"
#include "experiments/config/StudySpec.h"
#include "experiments/objective/StudyCheck.h"
#include "experiments/study/ThreadBudget.h"

namespace tunelab {

/// What a checked study would do, as `tunelab run --dry-run` prints it.
struct StudyPlan {
  const StudySpec& study;
  const PreparedData* data = nullptr;  // null for an objective command
  const StudyCheck* check = nullptr;   // null for an objective command
  ThreadBudget budget;
};

/// Prints the space, the number of trials (or "unbounded"), the data set's shape, the smallest
/// and largest model, the backends and the thread plan.
void printStudyPlan(std::ostream& out, const StudyPlan& plan);

}  // namespace tunelab
