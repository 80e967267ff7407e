#pragma once

#include <cstddef>

namespace tunelab::limits {

// The largest values an experiment file may give; docs/experiment-format.md lists them.
// Each is far beyond any sensible study and small enough that the counts it leads to fit the
// types that hold them (an epoch count in an int, a layer list in memory).

inline constexpr double kMostEpochs = 1'000'000;
inline constexpr double kMostBatchSize = 16'777'216;  // 2^24 rows
inline constexpr double kMostRepeat = 1'000;          // one repeat block's count
inline constexpr std::size_t kMostLayers = 10'000;    // the model after repeat blocks expand
inline constexpr double kMostFolds = 1'000;           // train.validation.kfold
inline constexpr double kMostTrials = 10'000'000;     // search.max_trials
inline constexpr double kMostThreads = 1'024;         // parallel_trials, threads_per_trial
inline constexpr double kMostDurationSeconds = 366.0 * 24 * 3600;  // timeouts, report_every

}  // namespace tunelab::limits
