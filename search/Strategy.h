#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "core/Export.h"
#include "search/SearchSpace.h"

namespace tunelab {

using TrialId = std::int64_t;

/// A trial a strategy wants trained.
struct TrialSpec {
  TrialId id = 0;
  nlohmann::json params = nlohmann::json::object();  // active parameters only
  int budget = 0;                     // epochs to train up to; 0 = the experiment's train.epochs
  std::optional<TrialId> resumeFrom;  // continue from this trial's checkpoint (Hyperband)
};

struct AskResult {
  enum class Kind { Ready, Wait, Exhausted };
  Kind kind = Kind::Exhausted;
  std::vector<TrialSpec> trials;  // Ready: 1..maxTrials specs
};

/// How a trial ended, as the strategy sees it. `value` is to be minimised (the runner negates
/// a metric whose goal is maximize); NaN for a failed trial. In a study of several objectives
/// (search.metric a list), `values` holds every objective, each to be minimised, in the file's
/// order (`value` is the first); with one objective it is empty.
struct TrialOutcome {
  enum class State { Complete, Failed, Pruned };
  TrialId id = 0;
  State state = State::Complete;
  double value = 0;
  int epochs = 0;  // epochs trained
  std::vector<double> values;
};

enum class Decision { Continue, Stop };

/// A search strategy (ask/tell). One coordinator thread owns it: it never sees threads, models
/// or backends. Everything it decides must follow from its seed and the calls it received, so
/// that saveState() + loadState() resumes it exactly.
class TUNELAB_API Strategy {
 public:
  virtual ~Strategy();
  /// Up to maxTrials new trials (maxTrials >= 1), Wait while it needs results first, or
  /// Exhausted when it has nothing more to propose.
  virtual AskResult ask(std::size_t maxTrials) = 0;
  virtual void tell(const TrialOutcome& outcome) = 0;
  virtual nlohmann::json saveState() const = 0;
  virtual void loadState(const nlohmann::json& state) = 0;
  /// Whether it searches studies of several objectives (reading TrialOutcome::values). tunelab
  /// refuses a multi-objective study with a strategy that says no, before the first trial.
  virtual bool searchesSeveralObjectives() const { return false; }
};

/// What a strategy is made from.
struct StrategyContext {
  const SearchSpace* space = nullptr;
  nlohmann::json options = nlohmann::json::object();  // search.<strategy name>: {...}
  std::uint64_t seed = 0;
  std::optional<std::size_t> maxTrials;  // search.max_trials
  int maxEpochs = 1;                     // train.epochs
  int parallelTrials = 1;                // execution.parallel_trials as the file says (0: auto)
  std::size_t objectives = 1;            // the number of objectives search.metric lists
};

/// The lag of a strategy that chooses trial k from the results of trials 0 .. k-lag-1 (gp,
/// tpe), unless its options set one: what the file's parallel_trials needs (0 for one trial at
/// a time, so every choice sees every result), and 1 for parallel_trials auto, so that the
/// same file gives the same trials on any machine.
inline std::int64_t defaultLag(const StrategyContext& context) {
  return context.parallelTrials > 0 ? context.parallelTrials - 1 : 1;
}

using StrategyFactory = std::function<std::unique_ptr<Strategy>(const StrategyContext&)>;

}  // namespace tunelab
