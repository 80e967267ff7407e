#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/Trainer.h"
#include "search/Strategy.h"

namespace tunelab {

/// How one run of a trial ended.
struct TrialRun {
  enum class Ending { Complete, Failed, Stopped };
  Ending ending = Ending::Complete;
  FitResult fit;                         // the epochs (or the JSON lines of a command) reported
  std::optional<double> value;           // the trial's metric when the objective sets it itself
  std::optional<double> parameterCount;  // the model's trainable parameters (built-in model)
  std::map<std::string, double> test;    // loss and metrics on the test split ("test_" names)
  std::string error;                     // Failed: why (a diverged loss, a command's stderr...)
  std::optional<Checkpoint> checkpoint;  // at the end, when asked for
  std::optional<ModelWeights> weights;   // the model a complete trial ends with
  double seconds = 0;
  std::int64_t peakMemoryKiB = 0;  // what the trial itself held at most (0: not measured)
};

/// What a trial runs with: chosen by the runner, never by the objective.
struct TrialContext {
  std::string backend;
  std::uint64_t seed = 0;
  int threads = 1;
  const Checkpoint* resume = nullptr;  // continue a trial's training (a Hyperband promotion)
  bool keepCheckpoint = false;         // return the final checkpoint
  std::function<bool()> cancelled;     // true once the study stops: end as soon as possible
  // Progress checkpoints, so that a trial a crash interrupts resumes where it was: after an
  // epoch, when this many seconds passed since the last one (0: after every epoch).
  std::function<void(Checkpoint)> onCheckpoint;
  double checkpointEverySeconds = 0;
};

/// Called with each epoch a trial reports; returning false stops the trial (Stopped).
using TrialEpochCallback = std::function<bool(const EpochRecord&)>;

/// Scores one trial: trains the built-in model (ModelObjective) or runs a user's program
/// (CommandObjective). Thread-safe: the runner calls run() for several trials at once.
class Objective {
 public:
  virtual ~Objective() = default;
  /// Never throws: a failure is returned with its reason.
  virtual TrialRun run(const TrialSpec& trial, const TrialContext& context,
                       const TrialEpochCallback& onEpoch) const = 0;
  /// Whether a trial can continue another's training from its checkpoint (Hyperband's
  /// promotions); when not, a promoted trial runs again from the start with its new budget.
  virtual bool resumesFromCheckpoints() const = 0;
};

}  // namespace tunelab
