#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/Export.h"

namespace tunelab {

/// Row indices of a train / validation / test split.
struct SplitIndices {
  std::vector<std::uint32_t> train;
  std::vector<std::uint32_t> validation;
  std::vector<std::uint32_t> test;
};

/// Splits rows 0..n-1 at random (seeded). With `labels`, every class is split in the same
/// proportions (stratified). Fractions are of all rows.
TUNELAB_API SplitIndices splitRows(std::size_t n, double testFraction, double validationFraction,
                                   std::uint64_t seed,
                                   const std::vector<std::uint32_t>* labels = nullptr);

/// k folds over rows 0..n-1 (stratified with `labels`): pairs of (train rows, validation
/// rows); every row is in exactly one validation fold.
TUNELAB_API std::vector<std::pair<std::vector<std::uint32_t>, std::vector<std::uint32_t>>>
kfoldIndices(std::size_t n, std::size_t k, std::uint64_t seed,
             const std::vector<std::uint32_t>* labels = nullptr);

}  // namespace tunelab
