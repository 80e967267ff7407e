#include "experiments/report/ParetoFront.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "experiments/report/Units.h"
#include "search/Pareto.h"

namespace tunelab {

std::vector<TrialRecord> paretoFront(const std::vector<TrialRecord>& trials,
                                     const StudySpec& spec) {
  if (spec.extraObjectives.empty()) return {};
  const std::size_t count = objectivesOf(spec).size();
  std::vector<const TrialRecord*> scored;
  ObjectivePoints points;
  for (const auto& t : trials) {
    if (t.backend != primaryBackend(spec) || t.status != TrialStatus::Complete ||
        t.objectives.size() != count) {
      continue;
    }
    scored.push_back(&t);
    points.push_back(minimisedObjectives(spec, t.objectives));
  }
  const auto mask = paretoMask(points);
  std::vector<TrialRecord> front;
  for (std::size_t i = 0; i < scored.size(); ++i) {
    if (mask[i]) front.push_back(*scored[i]);
  }
  std::stable_sort(front.begin(), front.end(), [&](const auto& a, const auto& b) {
    return spec.metric.better(a.objectives.front(), b.objectives.front());
  });
  return front;
}

std::set<TrialId> paretoIds(const std::vector<TrialRecord>& trials, const StudySpec& spec) {
  std::set<TrialId> ids;
  for (const auto& t : paretoFront(trials, spec)) ids.insert(t.id);
  return ids;
}

std::string formatParetoFront(const std::vector<TrialRecord>& trials, const StudySpec& spec) {
  const auto front = paretoFront(trials, spec);
  if (front.empty()) return "";
  const auto objectives = objectivesOf(spec);
  std::ostringstream out;
  out << "Pareto front (" << front.size() << (front.size() == 1 ? " trial" : " trials")
      << " no other beats in every objective) of " << describeObjectives(spec) << ":\n";
  out << "  " << std::left << std::setw(7) << "trial";
  std::vector<int> widths;
  for (const auto& goal : objectives) {
    widths.push_back(std::max<int>(12, static_cast<int>(goal.name.size()) + 2));
    out << std::setw(widths.back()) << goal.name;
  }
  out << "parameters\n";
  for (const auto& t : front) {
    out << "  " << std::left << std::setw(7) << t.id;
    for (std::size_t i = 0; i < objectives.size(); ++i) {
      out << std::setw(widths[i]) << readableValue(t.objectives[i]);
    }
    out << t.params.dump() << "\n";
  }
  return out.str();
}

}  // namespace tunelab
