#pragma once

#include <string>

#include "core/Activation.h"
#include "experiments/export/OnnxGraph.h"

namespace tunelab {

/// Appends `activation` applied to `input` (named after `layer`) and returns its output; the
/// input itself for linear. Every kind of core/Activation.h is mapped (a new kind does not
/// compile until it is).
std::string addActivation(OnnxGraph& graph, const Activation& activation, const std::string& layer,
                          const std::string& input);

}  // namespace tunelab
