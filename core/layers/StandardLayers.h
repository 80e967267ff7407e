#pragma once

#include "core/LayerRegistry.h"

namespace tunelab {

/// Adds dense, activation, dropout and batch_normalization with `origin` as their source.
void registerStandardLayers(LayerRegistry& registry, const std::string& origin = "built-in");

}  // namespace tunelab
