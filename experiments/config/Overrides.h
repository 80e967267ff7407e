#pragma once

#include <string>
#include <vector>

#include "experiments/config/YamlDocument.h"

namespace tunelab {

/// Applies command-line overrides "train.epochs=5", "model.layers[0].units=32",
/// "search.parameters.nodes.values=[16, 32]" to the document. The value is read as YAML
/// (numbers, strings, flow lists and mappings). Throws ExperimentError for a malformed one.
void applyOverrides(YamlDocument& document, const std::vector<std::string>& overrides);

}  // namespace tunelab
