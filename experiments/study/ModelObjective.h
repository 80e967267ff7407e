#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/Trainer.h"
#include "core/data/PrepareData.h"
#include "experiments/study/StudySpec.h"
#include "search/Strategy.h"

namespace tunelab {

class PluginHost;

/// The experiment with a trial's `params` bound; every search parameter that is inactive in
/// the trial binds to null. Throws ConfigError keyed by the path in the file.
nlohmann::json bindTrialParameters(const nlohmann::json& experiment, const SearchSpace& space,
                                   const nlohmann::json& params);

/// How one training run of a trial ended.
struct TrialRun {
  enum class Ending { Complete, Failed, Stopped };
  Ending ending = Ending::Complete;
  FitResult fit;
  std::map<std::string, double> test;    // loss and metrics on the test split ("test_" names)
  std::string error;                     // Failed: why (a diverged loss, a plugin's exception...)
  std::optional<Checkpoint> checkpoint;  // at the end, when asked for
  double seconds = 0;
};

/// Trains the model of a trial: the experiment with the trial's parameters bound, on the
/// data prepared once for the whole study. Thread-safe: every call builds its own graph,
/// backend and random stream; the data and the plugin registries are only read.
class ModelObjective {
 public:
  ModelObjective(const nlohmann::json& experiment, const StudySpec& study, const PreparedData& data,
                 const PluginHost& plugins);

  /// The experiment with `params` bound (every search parameter that is inactive in this
  /// trial binds to null). Throws ConfigError keyed by the path in the file.
  nlohmann::json bind(const nlohmann::json& params) const;

  /// `onEpoch` returns false to stop the run (Stopped). Never throws: a failure is returned.
  /// `resume` continues a trial's training from a checkpoint (a Hyperband promotion);
  /// `keepCheckpoint` returns the final one.
  TrialRun run(const TrialSpec& trial, const std::string& backend, std::uint64_t seed, int threads,
               const std::function<bool(const EpochRecord&)>& onEpoch,
               const Checkpoint* resume = nullptr, bool keepCheckpoint = false) const;

  /// Number of trainable parameters of a trial's model (to choose threads per trial).
  std::size_t parameterCount(const nlohmann::json& params) const;

 private:
  const nlohmann::json& experiment_;
  const StudySpec& study_;
  const PreparedData& data_;
  const PluginHost& plugins_;
};

}  // namespace tunelab
