#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/data/Dataset.h"
#include "experiments/config/TrainingSpec.h"

namespace tunelab {

class PluginHost;

/// A model as a trial builds it, checked without training.
struct ModelCheck {
  std::size_t parameters = 0;  // trainable
  std::string summary;         // Keras style
};

/// The values one epoch of `spec`'s training records: loss and each metric, and their val_
/// forms when there are validation rows.
std::vector<std::string> recordedNames(const TrainingSpec& spec, bool validation);

/// Builds what a trial of `spec` on `train` would build and checks it, without training: the
/// layers and their initializers, the loss against the output layer, the optimizer, the
/// schedule, the metrics for the data's task, and that early stopping and the schedule watch a
/// value training records. Throws ConfigError keyed by the path in the file.
ModelCheck checkTraining(const TrainingSpec& spec, const PluginHost& plugins, const Dataset& train,
                         bool validation);

}  // namespace tunelab
