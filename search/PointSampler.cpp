#include "search/PointSampler.h"

#include "search/Enumerate.h"

namespace tunelab {

PointSampler::PointSampler(const SearchSpace& space, const std::string& strategy) : space_(space) {
  if (space.finite()) {
    remaining_ = enumeratePoints(space, strategy);
    size_ = remaining_.size();
  }
}

std::optional<nlohmann::json> PointSampler::draw(Rng& rng) {
  if (size_) {
    if (remaining_.empty()) return std::nullopt;
    // Swap-remove a uniformly chosen point: without replacement, O(1) per draw.
    const auto i = static_cast<std::size_t>(rng.below(remaining_.size()));
    nlohmann::json point = std::move(remaining_[i]);
    remaining_[i] = std::move(remaining_.back());
    remaining_.pop_back();
    return point;
  }
  for (int attempt = 0; attempt < 10000; ++attempt) {
    nlohmann::json point = space_.sample(rng);
    if (seen_.insert(point.dump()).second) return point;
  }
  return std::nullopt;
}

void PointSampler::saveState(nlohmann::json& state) const {
  state["remaining"] = remaining_;
  state["seen"] = seen_;
}

void PointSampler::loadState(const nlohmann::json& state) {
  remaining_ = state.at("remaining").get<std::vector<nlohmann::json>>();
  seen_ = state.at("seen").get<std::set<std::string>>();
}

std::optional<nlohmann::json> drawUnseen(const SearchSpace& space,
                                         const std::set<std::string>& seen, bool finite, Rng& rng,
                                         const std::string& strategy) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    nlohmann::json point = space.sample(rng);
    if (!seen.contains(point.dump())) return point;
  }
  if (!finite) return std::nullopt;
  std::vector<nlohmann::json> unseen;
  for (auto& point : enumeratePoints(space, strategy, 1'000'000)) {
    if (!seen.contains(point.dump())) unseen.push_back(std::move(point));
  }
  if (unseen.empty()) return std::nullopt;
  return unseen[static_cast<std::size_t>(rng.below(unseen.size()))];
}

}  // namespace tunelab
