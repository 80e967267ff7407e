#include "experiments/objective/CrossValidation.h"

#include <algorithm>

#include "core/data/Split.h"

namespace tunelab {

std::vector<Fold> makeFolds(const Dataset& pool, int k, std::uint64_t seed) {
  std::vector<std::uint32_t> labels;
  if (pool.task != TaskKind::Regression) {
    labels.resize(pool.size());
    for (std::size_t i = 0; i < pool.size(); ++i)
      labels[i] = static_cast<std::uint32_t>(pool.y(i, 0));
  }
  std::vector<Fold> folds;
  for (const auto& [train, validation] : kfoldIndices(pool.size(), static_cast<std::size_t>(k),
                                                      seed, labels.empty() ? nullptr : &labels)) {
    folds.push_back({selectRows(pool, train), selectRows(pool, validation)});
  }
  return folds;
}

std::vector<EpochRecord> averageHistories(const std::vector<std::vector<EpochRecord>>& folds) {
  std::size_t epochs = 0;
  for (const auto& h : folds) epochs = std::max(epochs, h.size());
  std::vector<EpochRecord> mean;
  for (std::size_t e = 0; e < epochs; ++e) {
    EpochRecord record;
    record.epoch = static_cast<int>(e + 1);
    std::map<std::string, int> counts;
    for (const auto& h : folds) {
      if (h.empty()) continue;
      const EpochRecord& r = h[std::min(e, h.size() - 1)];
      for (const auto& [name, value] : r.values) {
        record.values[name] += value;
        ++counts[name];
      }
      record.learningRate += r.learningRate / static_cast<double>(folds.size());
      if (e < h.size()) record.seconds += r.seconds;
    }
    for (auto& [name, value] : record.values) value /= counts[name];
    mean.push_back(std::move(record));
  }
  return mean;
}

}  // namespace tunelab
