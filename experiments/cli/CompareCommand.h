#pragma once

#include <iosfwd>

#include "experiments/cli/StoredStudy.h"

namespace tunelab {

/// The largest difference in val_loss at the best epoch between backends, relative to the
/// baseline's value, that `compare` still calls agreement. Float32 sums in another order differ in
/// the last bits, and over the epochs the difference grows (MAGIC, 20 epochs with dropout: 7.7e-3
/// on 0.36, 2.2%; Fashion-MNIST, 2 epochs: 2.8e-3 on 0.38, 0.74%).
inline constexpr double kDefaultValLossTolerance = 0.01;

/// `tunelab compare`: which backend is faster on the study's model, and do they agree? Per
/// backend the threads its trials ran on, the median epoch time with its spread (interquartile
/// range), the speed-up against the reference (else the slowest) on the trials both ran, the
/// largest val_loss at the best epoch
/// difference from it with a verdict against `tolerance`, and whether every backend picks the
/// same best trial.
int runCompare(const StudyLocation& where, std::ostream& out, std::ostream& err,
               double tolerance = kDefaultValLossTolerance);

}  // namespace tunelab
