#include "LatinHypercube.h"

#include <numeric>

#include "core/Error.h"
#include "core/Options.h"

namespace example {

LatinHypercube::LatinHypercube(const tunelab::StrategyContext& context) {
  tunelab::Options(context.options, "latin_hypercube strategy").finish();
  if (!context.maxTrials) {
    throw tunelab::ConfigError("max_trials", "latin_hypercube needs max_trials (the design size)");
  }
  const std::size_t n = *context.maxTrials;
  const std::size_t dims = context.space->dimensions();
  tunelab::Rng rng(context.seed);
  // One random permutation of the n slices per dimension.
  std::vector<std::vector<std::uint32_t>> slices(dims, std::vector<std::uint32_t>(n));
  for (auto& perm : slices) {
    std::iota(perm.begin(), perm.end(), 0U);
    rng.shuffle(perm);
  }
  std::set<std::string> seen;
  std::vector<double> u(dims);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t d = 0; d < dims; ++d) {
      u[d] = (slices[d][i] + rng.uniformDouble()) / static_cast<double>(n);
    }
    nlohmann::json point = context.space->decode(u);
    if (seen.insert(point.dump()).second) points_.push_back(std::move(point));
  }
}

tunelab::AskResult LatinHypercube::ask(std::size_t maxTrials) {
  if (next_ == points_.size()) return {tunelab::AskResult::Kind::Exhausted, {}};
  tunelab::AskResult result{tunelab::AskResult::Kind::Ready, {}};
  for (; next_ < points_.size() && result.trials.size() < maxTrials; ++next_) {
    result.trials.push_back({static_cast<tunelab::TrialId>(next_), points_[next_], 0, {}});
  }
  return result;
}

nlohmann::json LatinHypercube::saveState() const { return {{"next", next_}}; }

void LatinHypercube::loadState(const nlohmann::json& state) {
  next_ = std::min(state.at("next").get<std::size_t>(), points_.size());
}

}  // namespace example
