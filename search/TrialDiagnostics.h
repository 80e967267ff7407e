#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/Export.h"
#include "search/SearchSpace.h"

namespace tunelab {

/// How a study's trials spread over its space, as shares of the trials (0..1): what a model
/// based strategy logs, so that a search stuck on the box's edges or refining one point
/// below any useful resolution shows in its state.
struct TUNELAB_API TrialDiagnostics {
  std::size_t trials = 0;
  double onEdge = 0;  // trials with a continuous parameter at its min or max
  double nearDuplicates =
      0;                     // trials within 1e-3 of an earlier one (encoded, same discrete values)
  double discreteTried = 1;  // values of parameters with at most 32 values tried at least once
  nlohmann::json toJson() const;
};

/// Whether two assignments are the same up to 1e-3 of a continuous parameter's encoded range
/// (the same active parameters, the same values of every finite one).
TUNELAB_API bool nearDuplicate(const SearchSpace& space, const nlohmann::json& a,
                               const nlohmann::json& b);

/// The diagnostics of `trials` (assignments as strategies return them).
TUNELAB_API TrialDiagnostics diagnoseTrials(const SearchSpace& space,
                                            const std::vector<nlohmann::json>& trials);

/// The diagnostics of a strategy's trials kept as it proposes them: a trial costs one pass over
/// the earlier ones, where diagnosing all of them at each saved state cost the square of their
/// number (125 ms at 500 trials, at every save).
class TUNELAB_API TrialDiagnosticsTally {
 public:
  explicit TrialDiagnosticsTally(const SearchSpace& space);
  void add(const nlohmann::json& trial);
  void clear();
  TrialDiagnostics current() const;

 private:
  const SearchSpace* space_;
  std::vector<nlohmann::json> trials_;
  std::size_t onEdge_ = 0;
  std::size_t nearDuplicates_ = 0;
  std::vector<std::set<std::string>> valuesTried_;  // per parameter of the space
};

}  // namespace tunelab
