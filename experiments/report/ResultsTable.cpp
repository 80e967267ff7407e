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

void addObjectiveCells(std::vector<nlohmann::json>& row, const TrialRecord& t,
                       const ObjectiveColumns& columns, const StudySpec* spec) {
  if (columns.names.empty()) return;
  for (std::size_t i = 0; i < columns.names.size(); ++i) {
    row.emplace_back(i < t.objectives.size() ? nlohmann::json(t.objectives[i]) : nlohmann::json());
  }
  row.emplace_back(t.backend == primaryBackend(*spec) && columns.pareto.contains(t.id));
}

nlohmann::json optionalValue(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

nlohmann::json valueOf(const nlohmann::json& object, const std::string& key) {
  return object.contains(key) ? object.at(key) : nlohmann::json();
}

// A measured number as the CSV has always shown it: 9 significant digits.
std::string measuredText(const nlohmann::json& cell) {
  if (cell.is_null()) return "";
  if (cell.is_boolean()) return cell.get<bool>() ? "true" : "false";
  if (cell.is_string()) return csvField(cell.get<std::string>());
  std::ostringstream text;
  text << std::setprecision(9);
  if (cell.is_number_float()) {
    text << cell.get<double>();
  } else {
    text << cell.dump();
  }
  return text.str();
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

std::string ranOn(const TrialRecord& trial) {
  if (!trial.rank) return "";
  return "rank " + std::to_string(*trial.rank) + " on " + trial.host;
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
  const bool distributed =
      std::any_of(ranked.begin(), ranked.end(), [](const TrialRecord& t) { return t.rank; });
  if (distributed) out << std::setw(20) << "ran on";
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
    if (distributed) out << std::setw(20) << ranOn(t);
    out << t.params.dump() << "\n";
  }
  return out.str();
}

ResultsTable resultsTable(const std::vector<TrialRecord>& trials, const StudySpec* spec) {
  const ObjectiveColumns objectives = objectiveColumns(trials, spec);
  std::set<std::string> parameters;
  std::set<std::string> values;
  for (const auto& t : trials) {
    for (const auto& [name, v] : t.params.items()) parameters.insert(name);
    for (const auto& [name, v] : t.finalValues.items()) values.insert(name);
  }
  const bool distributed =
      std::any_of(trials.begin(), trials.end(), [](const TrialRecord& t) { return t.rank; });
  ResultsTable table;
  table.columns = {"trial",      "backend", "status",          "value", "epochs",
                   "best_epoch", "seconds", "peak_memory_kib", "seed"};
  if (distributed) table.columns.insert(table.columns.end(), {"rank", "host"});
  for (const auto& name : objectives.names) table.columns.push_back("objective_" + name);
  if (!objectives.names.empty()) table.columns.emplace_back("pareto");
  table.firstParameterColumn = table.columns.size();
  table.columns.insert(table.columns.end(), parameters.begin(), parameters.end());
  for (const auto& v : values) table.columns.push_back("best_" + v);
  table.columns.emplace_back("error");
  for (const auto& t : trials) {
    std::vector<nlohmann::json> row{t.id,
                                    t.backend,
                                    std::string(trialStatusName(t.status)),
                                    optionalValue(t.value),
                                    t.epochs,
                                    t.bestEpoch,
                                    t.seconds,
                                    t.peakMemoryKiB,
                                    t.seed};
    if (distributed) {
      row.emplace_back(t.rank ? nlohmann::json(*t.rank) : nlohmann::json());
      row.emplace_back(t.host);
    }
    addObjectiveCells(row, t, objectives, spec);
    for (const auto& p : parameters) row.push_back(valueOf(t.params, p));
    for (const auto& v : values) row.push_back(valueOf(t.finalValues, v));
    row.emplace_back(t.error);
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::string resultsCsv(const std::vector<TrialRecord>& trials, const StudySpec* spec) {
  const ResultsTable table = resultsTable(trials, spec);
  std::ostringstream csv;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    csv << (c ? "," : "") << csvField(table.columns[c]);
  }
  csv << "\n";
  const std::size_t errorColumn = table.columns.size() - 1;
  for (const auto& row : table.rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      csv << (c ? "," : "");
      if (c < table.firstParameterColumn || c == errorColumn) {
        csv << measuredText(row[c]);
      } else {
        csv << csvField(cellText(row[c]));
      }
    }
    csv << "\n";
  }
  return csv.str();
}

void writeResultsCsv(const std::filesystem::path& file, const std::vector<TrialRecord>& trials,
                     const StudySpec* spec) {
  writeFileAtomically(file, resultsCsv(trials, spec));
}

}  // namespace tunelab
