#pragma once

#include <string>

#include "core/Activation.h"
#include "experiments/export/OnnxGraph.h"

namespace tunelab {

/// Appends `activation` applied to `input` (named after `layer`) and returns its output; the
/// input itself for linear. Throws Error naming the activation when ONNX export does not know
/// its kind (one added to core/Activation.h after this mapping).
std::string addActivation(OnnxGraph& graph, const Activation& activation, const std::string& layer,
                          const std::string& input);

}  // namespace tunelab
