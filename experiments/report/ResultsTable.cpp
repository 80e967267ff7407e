#include "experiments/report/ResultsTable.h"

#include <algorithm>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "experiments/files/AtomicFile.h"
#include "experiments/report/ParetoFront.h"

namespace tunelab {

namespace {

// A study of several objectives adds each objective's value (params and epoch_time are no epoch
// values) and whether the trial is on the Pareto front.
struct ObjectiveColumns {
  std::vector<std::string> names;
  std::set<TrialId> pareto;
};

ObjectiveColumns objectiveColumns(const std::vector<TrialRecord>& trials, const StudySpec* spec) {
  ObjectiveColumns columns;
  if (spec == nullptr || spec->extraObjectives.empty()) return columns;
  for (const auto& goal : objectivesOf(*spec)) columns.names.push_back(goal.name);
  columns.pareto = paretoIds(trials, *spec);
  return columns;
}

void writeObjectiveCells(std::ostream& csv, const TrialRecord& t, const ObjectiveColumns& columns,
                         const StudySpec* spec) {
  if (columns.names.empty()) return;
  for (std::size_t i = 0; i < columns.names.size(); ++i) {
    csv << ",";
    if (i < t.objectives.size()) csv << t.objectives[i];
  }
  const bool onFront = t.backend == primaryBackend(*spec) && columns.pareto.contains(t.id);
  csv << "," << (onFront ? "true" : "false");
}

}  // namespace

std::string cellText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::vector<TrialRecord> rankTrials(const std::vector<TrialRecord>& trials, const StudySpec& spec) {
  std::vector<TrialRecord> ranked;
  for (const auto& t : trials) {
    if (t.value && t.backend == primaryBackend(spec)) ranked.push_back(t);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
    return spec.metric.better(*a.value, *b.value);
  });
  return ranked;
}

std::string formatBestTrials(const std::vector<TrialRecord>& trials, const StudySpec& spec,
                             std::size_t count) {
  std::ostringstream out;
  std::map<std::string, int> byStatus;
  for (const auto& t : trials) ++byStatus[std::string(trialStatusName(t.status))];
  out << "Trials:";
  for (const auto& [status, n] : byStatus) out << " " << n << " " << status;
  out << "\n";
  if (!spec.extraObjectives.empty()) return out.str() + formatParetoFront(trials, spec);
  const auto ranked = rankTrials(trials, spec);
  if (ranked.empty()) return out.str();
  out << "Best trials by " << spec.metric.name << " (" << spec.metric.goalName() << "):\n";
  const bool hasTest = ranked.front().finalValues.contains("test_loss");
  out << "  " << std::left << std::setw(7) << "trial" << std::setw(12) << spec.metric.name
      << std::setw(8) << "epochs";
  if (hasTest) out << std::setw(22) << "test loss / accuracy";
  out << "parameters\n";
  for (std::size_t i = 0; i < std::min(count, ranked.size()); ++i) {
    const auto& t = ranked[i];
    std::ostringstream value;
    value << std::setprecision(5) << *t.value;
    out << "  " << std::left << std::setw(7) << t.id << std::setw(12) << value.str() << std::setw(8)
        << t.epochs;
    if (hasTest) {
      std::ostringstream test;
      test << std::fixed << std::setprecision(4) << t.finalValues.value("test_loss", 0.0);
      if (t.finalValues.contains("test_accuracy")) {
        test << " / " << t.finalValues.value("test_accuracy", 0.0);
      }
      out << std::setw(22) << test.str();
    }
    out << t.params.dump() << "\n";
  }
  return out.str();
}

void writeResultsCsv(const std::filesystem::path& file, const std::vector<TrialRecord>& trials,
                     const StudySpec* spec) {
  const ObjectiveColumns objectives = objectiveColumns(trials, spec);
  std::set<std::string> parameters;
  std::set<std::string> values;
  for (const auto& t : trials) {
    for (const auto& [name, v] : t.params.items()) parameters.insert(name);
    for (const auto& [name, v] : t.finalValues.items()) values.insert(name);
  }
  std::ostringstream csv;
  csv << "trial,backend,status,value,epochs,best_epoch,seconds,peak_memory_kib,seed";
  for (const auto& name : objectives.names) csv << ",objective_" << csvField(name);
  if (!objectives.names.empty()) csv << ",pareto";
  for (const auto& p : parameters) csv << "," << csvField(p);
  for (const auto& v : values) csv << ",best_" << csvField(v);
  csv << ",error\n";
  csv << std::setprecision(9);
  for (const auto& t : trials) {
    csv << t.id << "," << csvField(t.backend) << "," << trialStatusName(t.status) << ",";
    if (t.value) csv << *t.value;
    csv << "," << t.epochs << "," << t.bestEpoch << "," << t.seconds << "," << t.peakMemoryKiB
        << "," << t.seed;
    writeObjectiveCells(csv, t, objectives, spec);
    for (const auto& p : parameters) {
      csv << "," << (t.params.contains(p) ? csvField(cellText(t.params.at(p))) : "");
    }
    for (const auto& v : values) {
      csv << "," << (t.finalValues.contains(v) ? cellText(t.finalValues.at(v)) : "");
    }
    csv << "," << csvField(t.error) << "\n";
  }
  writeFileAtomically(file, csv.str());
}

}  // namespace tunelab
