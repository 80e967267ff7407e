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

/// The trials with a value, best first by the study's metric and goal.
std::vector<TrialRecord> rankTrials(const std::vector<TrialRecord>& trials, const StudySpec& spec);

/// A table of the `count` best trials and a count of trials by status.
std::string formatBestTrials(const std::vector<TrialRecord>& trials, const StudySpec& spec,
                             std::size_t count);

/// One row per trial and backend: id, backend, status, value, epochs, seconds, every
/// parameter and the final epoch's values; for a study of several objectives (`spec`), also
/// objective_<name> per objective and pareto (true/false). Written atomically.
void writeResultsCsv(const std::filesystem::path& file, const std::vector<TrialRecord>& trials,
                     const StudySpec* spec = nullptr);

}  // namespace tunelab
