#include "search/TrialDiagnostics.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace tunelab {

namespace {

constexpr double kEdge = 1e-6;
constexpr double kNear = 1e-3;
constexpr std::size_t kMostValuesCounted = 32;

bool continuous(const Parameter& p) { return p.kind == Parameter::Kind::Float && p.step <= 0; }

bool onEdge(const SearchSpace& space, const nlohmann::json& trial) {
  for (const auto& p : space.parameters()) {
    if (!continuous(p) || p.min == p.max || !trial.contains(p.name)) continue;
    const double u = p.encode(trial.at(p.name));
    if (u < kEdge || u > 1 - kEdge) return true;
  }
  return false;
}

}  // namespace

bool nearDuplicate(const SearchSpace& space, const nlohmann::json& a, const nlohmann::json& b) {
  for (const auto& p : space.parameters()) {
    const bool inA = a.contains(p.name);
    if (inA != b.contains(p.name)) return false;
    if (!inA) continue;
    if (!continuous(p)) {
      if (a.at(p.name) != b.at(p.name)) return false;
    } else if (std::abs(p.encode(a.at(p.name)) - p.encode(b.at(p.name))) > kNear) {
      return false;
    }
  }
  return true;
}

nlohmann::json TrialDiagnostics::toJson() const {
  return {{"trials", trials},
          {"on_edge", onEdge},
          {"near_duplicates", nearDuplicates},
          {"discrete_tried", discreteTried}};
}

TrialDiagnostics diagnoseTrials(const SearchSpace& space,
                                const std::vector<nlohmann::json>& trials) {
  TrialDiagnostics d;
  d.trials = trials.size();
  if (trials.empty()) return d;
  std::size_t edges = 0;
  std::size_t duplicates = 0;
  for (std::size_t i = 0; i < trials.size(); ++i) {
    if (onEdge(space, trials[i])) ++edges;
    for (std::size_t j = 0; j < i; ++j) {
      if (nearDuplicate(space, trials[i], trials[j])) {
        ++duplicates;
        break;
      }
    }
  }
  std::size_t values = 0;
  std::size_t tried = 0;
  for (const auto& p : space.parameters()) {
    if (!p.finite() || p.cardinality() < 2 || p.cardinality() > kMostValuesCounted) continue;
    std::set<std::string> seen;
    for (const auto& t : trials) {
      if (t.contains(p.name)) seen.insert(t.at(p.name).dump());
    }
    values += p.cardinality();
    tried += seen.size();
  }
  const auto n = static_cast<double>(trials.size());
  d.onEdge = static_cast<double>(edges) / n;
  d.nearDuplicates = static_cast<double>(duplicates) / n;
  d.discreteTried = values == 0 ? 1.0 : static_cast<double>(tried) / static_cast<double>(values);
  return d;
}

}  // namespace tunelab
