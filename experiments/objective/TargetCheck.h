#pragma once

#include <cstddef>

#include "core/Loss.h"
#include "core/data/Dataset.h"
#include "experiments/config/TrainingSpec.h"

namespace tunelab {

/// Throws ConfigError when `loss` on a model with `outputUnits` outputs cannot read the targets
/// of `data` as they are encoded (core/data/Dataset.h): a class index beyond the outputs, a
/// one-hot loss on class indices, a binary loss on more than two classes, a classification
/// loss on a regression target or the other way round, an output width that differs from the
/// number of target columns. Keyed at model.loss, or at the output layer's place in the file
/// when its width is what is wrong; the message names the layer, its units and the classes.
void checkTargetsFit(const TrainingSpec& spec, const Loss& loss, std::size_t outputUnits,
                     const Dataset& data);

}  // namespace tunelab
