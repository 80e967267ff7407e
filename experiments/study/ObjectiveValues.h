#pragma once

#include <string>
#include <vector>

#include "experiments/config/StudySpec.h"
#include "experiments/objective/Objective.h"
#include "experiments/store/StudyStore.h"

namespace tunelab {

/// A finished trial's value of each objective, in search.metric's order, as measured.
struct ObjectiveValues {
  std::vector<double> values;  // complete only when `missing` is empty
  std::string missing;         // why an objective has no finite value
};

/// The first objective is the trial's value; every other one is read at the trial's best epoch
/// (its `finalValues`), except `params`, the model's trainable parameters, and `epoch_time`, the
/// median seconds of the epochs the trial trained itself (a Hyperband parent's excluded). A
/// command objective reports `params` in its JSON like any other value.
ObjectiveValues objectiveValues(const StudySpec& spec, const TrialRecord& record,
                                const TrialRun& run, int parentEpochs);

}  // namespace tunelab
