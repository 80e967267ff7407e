#include "core/data/Split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "core/Error.h"
#include "core/Rng.h"

namespace tunelab {

namespace {

// Rows grouped by class (one group without labels), each group shuffled.
std::vector<std::vector<std::uint32_t>> shuffledGroups(std::size_t n, Rng& rng,
                                                       const std::vector<std::uint32_t>* labels) {
  std::vector<std::vector<std::uint32_t>> groups;
  if (labels == nullptr) {
    groups.emplace_back(n);
    std::iota(groups[0].begin(), groups[0].end(), 0U);
  } else {
    std::map<std::uint32_t, std::vector<std::uint32_t>> byClass;
    for (std::size_t i = 0; i < n; ++i)
      byClass[(*labels)[i]].push_back(static_cast<std::uint32_t>(i));
    for (auto& [label, rows] : byClass) groups.push_back(std::move(rows));
  }
  for (auto& g : groups) rng.shuffle(g);
  return groups;
}

}  // namespace

SplitIndices splitRows(std::size_t n, double testFraction, double validationFraction,
                       std::uint64_t seed, const std::vector<std::uint32_t>* labels) {
  Rng rng = Rng::derive(seed, 0x5B11);
  SplitIndices split;
  for (const auto& group : shuffledGroups(n, rng, labels)) {
    const auto size = static_cast<double>(group.size());
    const auto nTest = static_cast<std::size_t>(std::lround(size * testFraction));
    const auto nValid = static_cast<std::size_t>(std::lround(size * validationFraction));
    for (std::size_t i = 0; i < group.size(); ++i) {
      auto& to = i < nTest ? split.test : (i < nTest + nValid ? split.validation : split.train);
      to.push_back(group[i]);
    }
  }
  // Interleave classes again: sorted row order within each split, shuffled once more.
  for (auto* part : {&split.train, &split.validation, &split.test}) {
    std::sort(part->begin(), part->end());
    rng.shuffle(*part);
  }
  return split;
}

std::vector<std::pair<std::vector<std::uint32_t>, std::vector<std::uint32_t>>> kfoldIndices(
    std::size_t n, std::size_t k, std::uint64_t seed, const std::vector<std::uint32_t>* labels) {
  if (k < 2 || k > n) {
    throw ConfigError("kfold", "needs 2 <= k <= rows (k = " + std::to_string(k) +
                                   ", rows = " + std::to_string(n) + ")");
  }
  Rng rng = Rng::derive(seed, 0xF01D);
  std::vector<std::uint32_t> foldOf(n);
  std::size_t next = 0;
  // Dealing each class's shuffled rows round-robin keeps the folds stratified and balanced.
  for (const auto& group : shuffledGroups(n, rng, labels)) {
    for (auto row : group) foldOf[row] = static_cast<std::uint32_t>(next++ % k);
  }
  std::vector<std::pair<std::vector<std::uint32_t>, std::vector<std::uint32_t>>> folds(k);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t f = 0; f < k; ++f) {
      (foldOf[i] == f ? folds[f].second : folds[f].first).push_back(static_cast<std::uint32_t>(i));
    }
  }
  return folds;
}

}  // namespace tunelab
