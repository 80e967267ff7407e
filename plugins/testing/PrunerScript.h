#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "search/Pruner.h"

namespace tunelab::testing {

/// One call the runner makes on a pruner.
struct PrunerCall {
  enum class Kind { Report, Finished };
  Kind kind = Kind::Report;
  TrialId id = 0;
  int epoch = 0;                                              // Report
  double value = 0;                                           // Report
  TrialOutcome::State state = TrialOutcome::State::Complete;  // Finished

  std::string describe() const;
};

/// Makes the calls the runner would for a study of `trials` trials, `parallel` at a time, each
/// reporting a falling learning curve epoch after epoch (in random order between the running
/// trials) until the pruner stops it or it reaches `maxEpochs`. Some trials are unusual, as in
/// real studies: one diverges (+infinity from its third epoch), one fails after two epochs and
/// one before its first.
class PrunerScript {
 public:
  PrunerScript(int maxEpochs, std::uint64_t seed, int trials = 12, int parallel = 3);

  /// Runs the study against `pruner`, following its decisions; returns every call made.
  std::vector<PrunerCall> run(Pruner& pruner) const;

 private:
  double value(TrialId id, int epoch) const;

  int maxEpochs_;
  std::uint64_t seed_;
  int trials_;
  int parallel_;
};

/// Makes `calls` on `pruner`; returns what it answered to each (Continue for finished()).
std::vector<Decision> replay(Pruner& pruner, const std::vector<PrunerCall>& calls);

/// The calls a resumed study makes on a fresh pruner for the study so far (`calls`): the
/// epochs of every finished trial, trial by trial in id order, then finished(); then the epochs
/// of the running trials (resumed from a checkpoint at their last epoch), as the runner replays
/// them before any trial runs again.
std::vector<PrunerCall> resumeCalls(const std::vector<PrunerCall>& calls);

}  // namespace tunelab::testing
