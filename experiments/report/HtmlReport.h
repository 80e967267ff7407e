#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "experiments/config/StudySpec.h"
#include "experiments/report/ReportData.h"
#include "experiments/store/StudyStore.h"

namespace tunelab {

/// report.html: one self-contained page (its script, style and charting library inline;
/// nothing fetched, a Content-Security-Policy forbids it) that opens from file:// offline.
/// The study's summary is HTML text; the study itself is one escaped JSON element
/// (reportData) from which the page's script draws the history, each parameter's effect and
/// importance, parallel coordinates, the trial table with each trial's curves, every trial's
/// curves, rungs, backends, failures, and while the study runs (`live`) its running trials;
/// a live page reloads itself every `live->reloadSeconds`. Every text from the study is
/// escaped.
std::string renderHtmlReport(const StudySpec& spec, const std::vector<ReportTrial>& trials,
                             const std::optional<LiveStatus>& live = std::nullopt);

/// The report of `trials` (as read from `store`), with their epochs read from it.
std::string renderHtmlReport(const StudySpec& spec, StudyStore& store,
                             const std::vector<TrialRecord>& trials,
                             const std::optional<LiveStatus>& live = std::nullopt);

/// The report of every trial in `store`, written to `out` as it is made: the trials are read
/// from the store a trial at a time (twice: the summary above the data, then the data), so
/// that memory holds one trial's epochs and data, not the study's (a study of several
/// objectives also holds each trial's row, for its Pareto section). The same page as
/// renderHtmlReport(spec, store, store.trials(), live). The live report of `tunelab run`.
void writeHtmlReport(std::ostream& out, const StudySpec& spec, StudyStore& store,
                     const std::optional<LiveStatus>& live = std::nullopt);

/// The page around a report's data, written to `html`; `writeData` writes the data element's
/// text (scriptSafeJson).
void writeReportPage(std::ostream& html, const std::string& title, const std::string& summaryHtml,
                     const std::function<void(std::ostream&)>& writeData);

/// The page around a report's data: `title` and `summaryHtml` (already escaped) above what
/// the script draws from `data`.
std::string reportPage(const std::string& title, const std::string& summaryHtml,
                       const nlohmann::json& data);

}  // namespace tunelab
