#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "experiments/config/StudySpec.h"
#include "experiments/store/StudyStore.h"

namespace tunelab {

/// A parameter or value as a table shows it: a string as it is, null empty, else as JSON.
std::string cellText(const nlohmann::json& value);

/// A CSV field, quoted (RFC 4180) when it holds a comma, a quote or a newline.
std::string csvField(const std::string& text);

/// Where a trial ran in a study under mpirun ("rank 2 on node1"); "" when in the study's
/// own process.
std::string ranOn(const TrialRecord& trial);

/// The trials with a value, best first by the study's metric and goal.
std::vector<TrialRecord> rankTrials(const std::vector<TrialRecord>& trials, const StudySpec& spec);

/// A table of the `count` best trials and a count of trials by status.
std::string formatBestTrials(const std::vector<TrialRecord>& trials, const StudySpec& spec,
                             std::size_t count);

/// One row per trial and backend: id, backend, status, value, epochs, seconds, (in a study
/// some of whose trials ran on MPI ranks) rank and host, every
/// parameter and the final epoch's values ("best_" names); for a study of several objectives
/// (`spec`), also objective_<name> per objective and pareto (true/false). A cell is null where
/// the CSV is empty. The Python module's DataFrames have these columns too.
struct ResultsTable {
  std::vector<std::string> columns;
  std::vector<std::vector<nlohmann::json>> rows;
  // Columns from here on are parameters and epoch values, written as their JSON text; the
  // ones before are measured numbers, written with 9 significant digits.
  std::size_t firstParameterColumn = 0;
};
ResultsTable resultsTable(const std::vector<TrialRecord>& trials, const StudySpec* spec = nullptr);

/// resultsTable as CSV text.
std::string resultsCsv(const std::vector<TrialRecord>& trials, const StudySpec* spec = nullptr);
/// resultsCsv, written atomically.
void writeResultsCsv(const std::filesystem::path& file, const std::vector<TrialRecord>& trials,
                     const StudySpec* spec = nullptr);

}  // namespace tunelab
