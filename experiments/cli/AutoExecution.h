#pragma once

#include <nlohmann/json.hpp>

#include "core/data/Dataset.h"
#include "experiments/config/TrainingSpec.h"
#include "experiments/study/BackendChoice.h"

namespace tunelab {

class PluginHost;

/// The model `auto` settings are measured on (a study's centre model) and the rows it trains on.
struct ModelProbe {
  const TrainingSpec& training;
  const nlohmann::json& model;  // the model section as bound at that point (the cache key)
  const Dataset& train;
  const PluginHost& plugins;
  int sideBySide = 1;  // trials the study runs at once: measured together, as they contend
};

/// `execution.backend: auto`: the installed backends besides the reference oracle (the
/// reference when there is none), the fastest on the model, measured or from the cache.
BackendChoice pickAutoBackend(const ModelProbe& probe);

/// `threads_per_trial: auto` for trials on `backend` with up to `threads` threads: one thread
/// for models below 100,000 parameters (a step is too short to share); for larger ones more
/// only when the start-up measurement shows they pay (chooseThreads).
ThreadsChoice pickAutoThreads(const ModelProbe& probe, const std::string& backend, int threads);

}  // namespace tunelab
