#include "experiments/report/HtmlReport.h"

#include <map>
#include <ostream>
#include <sstream>

#include "experiments/cli/Version.h"
#include "experiments/report/HtmlText.h"
#include "experiments/report/ParetoChart.h"
#include "experiments/report/ReportAssets.h"
#include "experiments/report/ResultsTable.h"

namespace tunelab {

namespace {

std::string escape(std::string_view text) { return escapeHtml(text); }

std::string number(double v, int digits = 4) { return formatNumber(v, digits); }

std::string trialName(const TrialRecord& t) { return "trial " + std::to_string(t.id); }

// What the page's header says of the trials, gathered as they are read one at a time.
class TrialsSummary {
 public:
  explicit TrialsSummary(const StudySpec& spec) : spec_(spec) {}

  void add(const TrialRecord& t) {
    ++byStatus_[std::string(trialStatusName(t.status))];
    seconds_ += t.seconds;
    if (t.status == TrialStatus::Interrupted) ++interrupted_;
    // The first of rankTrials: the earliest of the best on the primary backend.
    if (t.value && t.backend == primaryBackend(spec_) &&
        (!best_ || spec_.metric.better(*t.value, *best_->value))) {
      best_ = t;
    }
    // The Pareto section of several objectives needs them all (their rows, not their epochs).
    if (!spec_.extraObjectives.empty()) all_.push_back(t);
  }

  // Whether the study runs now (and who runs it), or how many trials its last run left
  // unfinished; the counts and the best trial; the Pareto front of several objectives.
  std::string html(const std::optional<LiveStatus>& live) const {
    std::ostringstream html;
    writeActivity(html, live);
    writeCounts(html);
    if (!spec_.extraObjectives.empty()) html << paretoSection(spec_, all_);
    return html.str();
  }

 private:
  void writeActivity(std::ostream& html, const std::optional<LiveStatus>& live) const {
    if (live) {
      html << "<p class=\"live\">Running now: tunelab run " << escape(live->owner.describe())
           << ". Running trials show their epochs so far";
      if (live->reloadSeconds > 0) {
        html << "; this page reloads itself every " << number(live->reloadSeconds, 3) << " s";
      }
      html << ".</p>\n";
      return;
    }
    if (interrupted_ > 0) {
      html << "<p>" << interrupted_ << " trials did not finish; tunelab run resumes them.</p>\n";
    }
  }

  void writeCounts(std::ostream& html) const {
    html << "<p>" << escape(spec_.strategy) << " search";
    if (!spec_.strategyReason.empty())
      html << " (chosen by auto: " << escape(spec_.strategyReason) << ")";
    html << ", metric <b>" << escape(spec_.metric.name) << "</b> (" << spec_.metric.goalName()
         << "). Trials:";
    for (const auto& [status, n] : byStatus_) html << " " << n << " " << escape(status);
    html << "; " << number(seconds_, 3) << " s in trials (summed over parallel trials).</p>\n";
    if (!best_) {
      html << "<p>No trial has a value yet.</p>\n";
      return;
    }
    const TrialRecord& best = *best_;
    html << "<p class=\"best\">Best: <b>" << trialName(best) << "</b>, "
         << escape(spec_.metric.name) << " = <b>" << number(*best.value, 6) << "</b> at epoch "
         << best.bestEpoch;
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

  const StudySpec& spec_;
  std::map<std::string, int> byStatus_;
  double seconds_ = 0;
  long interrupted_ = 0;
  std::optional<TrialRecord> best_;
  std::vector<TrialRecord> all_;
};

// Nothing but the page itself: inline scripts, styles and data: images (the PNG export).
constexpr const char* kContentPolicy =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

}  // namespace

void writeReportPage(std::ostream& html, const std::string& title, const std::string& summaryHtml,
                     const std::function<void(std::ostream&)>& writeData) {
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
       << "<script type=\"application/json\" id=\"report-data\">";
  writeData(html);
  html << "</script>\n<script>\n"
       << reportAssetUplotJs() << "\n</script>\n<script>\n"
       << reportAssetReportJs() << "\n</script>\n<footer><small>" << escape(versionString())
       << "</small>\n<details><summary>Licenses</summary>"
       << "<p>Charts drawn with uPlot (https://github.com/leeoniya/uPlot):</p><pre>"
       << escape(reportAssetUplotLicense()) << "</pre></details>\n</footer>\n</body>\n</html>\n";
}

std::string reportPage(const std::string& title, const std::string& summaryHtml,
                       const nlohmann::json& data) {
  std::ostringstream html;
  writeReportPage(html, title, summaryHtml,
                  [&data](std::ostream& out) { out << scriptSafeJson(data); });
  return html.str();
}

std::string renderHtmlReport(const StudySpec& spec, const std::vector<ReportTrial>& trials,
                             const std::optional<LiveStatus>& live) {
  TrialsSummary summary(spec);
  for (const auto& t : trials) summary.add(t.record);
  std::ostringstream html;
  writeReportPage(html, "Study " + spec.name, summary.html(live), [&](std::ostream& out) {
    writeReportData(
        out, spec,
        [&trials](const auto& visit) {
          for (const auto& t : trials) visit(t);
        },
        live);
  });
  return html.str();
}

std::string renderHtmlReport(const StudySpec& spec, StudyStore& store,
                             const std::vector<TrialRecord>& trials,
                             const std::optional<LiveStatus>& live) {
  TrialsSummary summary(spec);
  for (const auto& t : trials) summary.add(t);
  std::ostringstream html;
  writeReportPage(html, "Study " + spec.name, summary.html(live), [&](std::ostream& out) {
    writeReportData(
        out, spec,
        [&](const auto& visit) {
          for (const auto& record : trials) {
            visit(ReportTrial{record, store.epochs(record.id, record.backend)});
          }
        },
        live);
  });
  return html.str();
}

void writeHtmlReport(std::ostream& html, const StudySpec& spec, StudyStore& store,
                     const std::optional<LiveStatus>& live) {
  // Two passes over the trials: the header's summary, then the data a trial at a time.
  TrialsSummary summary(spec);
  store.forEachTrial([&summary](TrialRecord&& t) { summary.add(t); });
  writeReportPage(html, "Study " + spec.name, summary.html(live), [&](std::ostream& out) {
    writeReportData(
        out, spec,
        [&](const auto& visit) {
          store.forEachTrial([&](TrialRecord&& record) {
            ReportTrial trial{std::move(record), {}};
            trial.epochs = store.epochs(trial.record.id, trial.record.backend);
            visit(trial);
          });
        },
        live);
  });
}

}  // namespace tunelab
