#pragma once

#include <functional>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/Trainer.h"
#include "experiments/config/StudySpec.h"
#include "experiments/store/StudyLock.h"
#include "experiments/store/StudyStore.h"

namespace tunelab {

/// A trial as the report shows it: its row and its epochs.
struct ReportTrial {
  TrialRecord record;
  std::vector<EpochRecord> epochs;
};

/// A study that runs now, as its report says it.
struct LiveStatus {
  StudyOwner owner;
  double reloadSeconds = 0;  // the page reloads itself this often (0: it does not)
  std::optional<std::size_t> expectedTrials;
  double elapsedSeconds = 0;
  int epochsPerTrial = 0;  // train.epochs: a trial's epochs unless a strategy gives it fewer
};

/// A parameter value as a person reads it: a string as such, a number as JSON writes it, a
/// mapping as "name(key=value, ...)" (its `name` or `type` first, when it has one), a list
/// as "[a, b]".
std::string paramLabel(const nlohmann::json& value);

/// Everything report.html draws, as one JSON document: the study (name, strategy, metric,
/// objectives, backends), whether it runs now, and every trial with its status, value,
/// parameters (numbers as numbers, other values by paramLabel), test metrics, error and
/// learning curves (values to 6 significant digits; a missing or non-finite value is null).
nlohmann::json reportData(const StudySpec& spec, const std::vector<ReportTrial>& trials,
                          const std::optional<LiveStatus>& live);

/// Calls its argument once for each trial of a report, in order: a study's trials read one at a
/// time, so that no more than one trial's data is held.
using ReportTrials = std::function<void(const std::function<void(const ReportTrial&)>&)>;

/// reportData written as scriptSafeJson text, a trial at a time: the same document (its keys
/// in another order), with `extra`'s keys added, without holding every trial's data at once.
void writeReportData(std::ostream& out, const StudySpec& spec, const ReportTrials& trials,
                     const std::optional<LiveStatus>& live,
                     const nlohmann::json& extra = nlohmann::json::object());

/// JSON text that is safe inside a <script type="application/json"> element: `<`, `>`, `&`,
/// U+2028 and U+2029 are written as \u escapes, so no value can close the element or start
/// markup; invalid UTF-8 (an error text from a failing program) becomes U+FFFD.
std::string scriptSafeJson(const nlohmann::json& value);

}  // namespace tunelab
