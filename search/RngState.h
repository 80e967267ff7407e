#pragma once

#include <nlohmann/json.hpp>

#include "core/Export.h"
#include "core/Rng.h"

namespace tunelab {

/// A generator's whole state as JSON (for a strategy's saveState) and back.
TUNELAB_API nlohmann::json rngStateToJson(const Rng::State& state);
TUNELAB_API Rng::State rngStateFromJson(const nlohmann::json& json);

}  // namespace tunelab
