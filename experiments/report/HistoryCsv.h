#pragma once

#include <filesystem>
#include <vector>

#include "core/Trainer.h"

namespace tunelab {

/// Writes one row per epoch: epoch, seconds, learning_rate, then every recorded value
/// (loss, accuracy, val_loss, ...) in name order; a value an epoch lacks is left empty.
/// Writes to a temporary file and renames it, so a crash never leaves half a file.
/// Throws Error naming the file when it cannot be written.
void writeHistoryCsv(const std::filesystem::path& path, const std::vector<EpochRecord>& history);

}  // namespace tunelab
