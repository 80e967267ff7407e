#pragma once

#include <string>
#include <vector>

#include "core/Graph.h"
#include "experiments/export/OnnxGraph.h"

namespace tunelab {

/// Appends every layer of `model` in inference form (dense as Gemm, batch normalization with
/// its moving statistics, dropout left out), then the output activation a fused loss took
/// over, to the [batch, inputs] float tensor `input`; returns the model output's name. `specs`
/// are the experiment's layers, one per model layer. Throws Error naming a layer whose type
/// the export does not know (a plugin's).
std::string addLayers(OnnxGraph& graph, const Graph& model, const std::vector<LayerSpec>& specs,
                      const std::string& input);

}  // namespace tunelab
