#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/Export.h"
#include "search/Strategy.h"

namespace tunelab {

/// Stops unpromising trials early (search.early_terminate: {type: <pruner>, ...}), as Optuna's
/// BasePruner does. One coordinator thread owns a pruner; it sees each trial's search metric
/// after every epoch and decides whether the trial goes on. It keeps no state of its own that a
/// resumed study could lose: the runner replays the epochs of trials finished in earlier runs
/// (report() for each, then finished()) before any trial runs again, so a pruner's decisions
/// follow from the calls it received, as a strategy's do.
class TUNELAB_API Pruner {
 public:
  virtual ~Pruner();
  /// Trial `id` reached `value` (the search metric, to be minimised: the runner negates a
  /// metric whose goal is maximize; +infinity when not finite) after `epoch` (1-based, every
  /// epoch in order). Stop ends the trial as pruned.
  virtual Decision report(TrialId id, int epoch, double value) = 0;
  /// Trial `id` ended (complete, pruned or failed); no more reports come for it. Trials that
  /// were interrupted and run again start over from their resumed epoch without this call.
  virtual void finished(TrialId id, TrialOutcome::State state) = 0;
};

/// What a pruner is made from.
struct PrunerContext {
  nlohmann::json options = nlohmann::json::object();  // search.early_terminate without `type`
  std::uint64_t seed = 0;                             // execution.seed
  int maxEpochs = 1;                                  // train.epochs
};

using PrunerFactory = std::function<std::unique_ptr<Pruner>(const PrunerContext&)>;

}  // namespace tunelab
