#include "experiments/report/HtmlReport.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "experiments/report/HtmlText.h"
#include "experiments/report/ParetoChart.h"
#include "experiments/report/ReportAssets.h"
#include "experiments/report/ResultsTable.h"

namespace tunelab {

namespace {

std::string escape(std::string_view text) { return escapeHtml(text); }

std::string number(double v, int digits = 4) { return formatNumber(v, digits); }

std::string trialName(const TrialRecord& t) { return "trial " + std::to_string(t.id); }

void writeSummary(std::ostream& html, const StudySpec& spec, const std::vector<ReportTrial>& all,
                  const std::vector<TrialRecord>& ranked) {
  std::map<std::string, int> byStatus;
  double seconds = 0;
  for (const auto& t : all) {
    ++byStatus[std::string(trialStatusName(t.record.status))];
    seconds += t.record.seconds;
  }
  html << "<p>" << escape(spec.strategy) << " search";
  if (!spec.strategyReason.empty())
    html << " (chosen by auto: " << escape(spec.strategyReason) << ")";
  html << ", metric <b>" << escape(spec.metric.name) << "</b> (" << spec.metric.goalName()
       << "). Trials:";
  for (const auto& [status, n] : byStatus) html << " " << n << " " << escape(status);
  html << "; " << number(seconds, 3) << " s in trials (summed over parallel trials).</p>\n";
  if (ranked.empty()) {
    html << "<p>No trial has a value yet.</p>\n";
    return;
  }
  const TrialRecord& best = ranked.front();
  html << "<p class=\"best\">Best: <b>" << trialName(best) << "</b>, " << escape(spec.metric.name)
       << " = <b>" << number(*best.value, 6) << "</b> at epoch " << best.bestEpoch;
  for (const auto& [name, value] : best.finalValues.items()) {
    if (name.starts_with("test_") && value.is_number()) {
      html << ", " << escape(name) << " " << number(value.get<double>(), 4);
    }
  }
  html << ". Parameters:";
  for (const auto& [name, value] : best.params.items()) {
    html << " " << escape(name) << " = " << escape(paramLabel(value)) << ";";
  }
  html << "</p>\n";
}

// Whether the study runs now (and who runs it), or how many trials its last run left unfinished.
void writeActivity(std::ostream& html, const std::vector<ReportTrial>& trials,
                   const std::optional<LiveStatus>& live) {
  if (live) {
    html << "<p class=\"live\">Running now: tunelab run " << escape(live->owner.describe())
         << ". Running trials show their epochs so far";
    if (live->reloadSeconds > 0) {
      html << "; this page reloads itself every " << number(live->reloadSeconds, 3) << " s";
    }
    html << ".</p>\n";
    return;
  }
  const auto interrupted = std::count_if(trials.begin(), trials.end(), [](const ReportTrial& t) {
    return t.record.status == TrialStatus::Interrupted;
  });
  if (interrupted > 0) {
    html << "<p>" << interrupted << " trials did not finish; tunelab run resumes them.</p>\n";
  }
}

// Nothing but the page itself: inline scripts, styles and data: images (the PNG export).
constexpr const char* kContentPolicy =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

}  // namespace

std::string reportPage(const std::string& title, const std::string& summaryHtml,
                       const nlohmann::json& data) {
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       << "<meta http-equiv=\"Content-Security-Policy\" content=\"" << kContentPolicy << "\">\n"
       << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
       << escape(title) << "</title>\n<style>\n"
       << reportAssetUplotCss() << "\n"
       << reportAssetReportCss() << "\n</style>\n</head>\n"
       << "<body>\n<header>\n<h1>" << escape(title) << "</h1>\n"
       << summaryHtml << "</header>\n<main id=\"report\"></main>\n"
       << "<noscript><p>This page draws its charts and trial table with JavaScript, which is "
          "off; results.csv beside it has every trial.</p></noscript>\n"
       << "<script type=\"application/json\" id=\"report-data\">" << scriptSafeJson(data)
       << "</script>\n<script>\n"
       << reportAssetUplotJs() << "\n</script>\n<script>\n"
       << reportAssetReportJs() << "\n</script>\n<footer><small>"
       << escape(data.value("version", std::string()))
       << "</small>\n<details><summary>Licenses</summary>"
       << "<p>Charts drawn with uPlot (https://github.com/leeoniya/uPlot):</p><pre>"
       << escape(reportAssetUplotLicense()) << "</pre></details>\n</footer>\n</body>\n</html>\n";
  return html.str();
}

std::string renderHtmlReport(const StudySpec& spec, const std::vector<ReportTrial>& trials,
                             const std::optional<LiveStatus>& live) {
  std::vector<TrialRecord> records;
  records.reserve(trials.size());
  for (const auto& t : trials) records.push_back(t.record);
  const auto ranked = rankTrials(records, spec);
  std::ostringstream summary;
  writeActivity(summary, trials, live);
  writeSummary(summary, spec, trials, ranked);
  if (!spec.extraObjectives.empty()) summary << paretoSection(spec, records);
  return reportPage("Study " + spec.name, summary.str(), reportData(spec, trials, live));
}

std::string renderHtmlReport(const StudySpec& spec, StudyStore& store,
                             const std::vector<TrialRecord>& trials,
                             const std::optional<LiveStatus>& live) {
  std::vector<ReportTrial> withEpochs;
  withEpochs.reserve(trials.size());
  for (const auto& record : trials) {
    withEpochs.push_back({record, store.epochs(record.id, record.backend)});
  }
  return renderHtmlReport(spec, withEpochs, live);
}

}  // namespace tunelab
