#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/Trainer.h"
#include "core/data/Dataset.h"

namespace tunelab {

/// One fold of k-fold cross-validation: train on `train`, score on `validation`.
struct Fold {
  Dataset train;
  Dataset validation;
};

/// k folds over `pool` (seeded; stratified by class for classification), every row in exactly
/// one validation set. Throws ConfigError("kfold") when k does not fit the rows.
std::vector<Fold> makeFolds(const Dataset& pool, int k, std::uint64_t seed);

/// The mean of every value over the folds' histories, epoch by epoch, as one history. A fold
/// that ended earlier (early stopping) counts with its last epoch, the model it ended with.
std::vector<EpochRecord> averageHistories(const std::vector<std::vector<EpochRecord>>& folds);

}  // namespace tunelab
