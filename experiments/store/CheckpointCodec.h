#pragma once

#include <cstdint>
#include <vector>

#include "core/Trainer.h"

namespace tunelab {

/// A trainer checkpoint as bytes (CBOR) for the study database, and back. Floats round-trip
/// exactly, so a trial resumed from it continues bit for bit.
std::vector<std::uint8_t> encodeCheckpoint(const Checkpoint& checkpoint);
Checkpoint decodeCheckpoint(const std::vector<std::uint8_t>& bytes);

/// A model's weights as bytes (CBOR), and back.
std::vector<std::uint8_t> encodeWeights(const ModelWeights& weights);
ModelWeights decodeWeights(const std::vector<std::uint8_t>& bytes);

}  // namespace tunelab
