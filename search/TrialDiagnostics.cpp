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

// A parameter whose values tried are counted (discrete_tried).
bool valuesCounted(const Parameter& p) {
  return p.finite() && p.cardinality() >= 2 && p.cardinality() <= kMostValuesCounted;
}

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
  TrialDiagnosticsTally tally(space);
  for (const auto& trial : trials) tally.add(trial);
  return tally.current();
}

TrialDiagnosticsTally::TrialDiagnosticsTally(const SearchSpace& space)
    : space_(&space), valuesTried_(space.parameters().size()) {}

void TrialDiagnosticsTally::add(const nlohmann::json& trial) {
  if (onEdge(*space_, trial)) ++onEdge_;
  if (std::any_of(trials_.begin(), trials_.end(), [&](const nlohmann::json& earlier) {
        return nearDuplicate(*space_, trial, earlier);
      })) {
    ++nearDuplicates_;
  }
  const auto& parameters = space_->parameters();
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (valuesCounted(parameters[i]) && trial.contains(parameters[i].name)) {
      valuesTried_[i].insert(trial.at(parameters[i].name).dump());
    }
  }
  trials_.push_back(trial);
}

void TrialDiagnosticsTally::clear() { *this = TrialDiagnosticsTally(*space_); }

TrialDiagnostics TrialDiagnosticsTally::current() const {
  TrialDiagnostics d;
  d.trials = trials_.size();
  if (trials_.empty()) return d;
  std::size_t values = 0;
  std::size_t tried = 0;
  const auto& parameters = space_->parameters();
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const Parameter& p = parameters[i];
    if (!valuesCounted(p)) continue;
    values += p.cardinality();
    tried += valuesTried_[i].size();
  }
  const auto n = static_cast<double>(trials_.size());
  d.onEdge = static_cast<double>(onEdge_) / n;
  d.nearDuplicates = static_cast<double>(nearDuplicates_) / n;
  d.discreteTried = values == 0 ? 1.0 : static_cast<double>(tried) / static_cast<double>(values);
  return d;
}

}  // namespace tunelab
