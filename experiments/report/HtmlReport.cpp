#include "experiments/report/HtmlReport.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "experiments/cli/Version.h"
#include "experiments/report/HtmlText.h"
#include "experiments/report/ParetoChart.h"
#include "experiments/report/ResultsTable.h"

namespace tunelab {

namespace {

// How many of the best trials get their own learning curves.
constexpr std::size_t kCurvesOfBest = 12;

std::string escape(std::string_view text) { return escapeHtml(text); }

std::string number(double v, int digits = 4) { return formatNumber(v, digits); }

// One line of a chart: (epoch, value) points; a non-finite value breaks the line.
struct Series {
  std::string title;
  std::string cssClass;
  std::vector<std::pair<double, double>> points;
};

struct Range {
  double lo = 0;
  double hi = 1;
};

// The values' range, its top at the 95th percentile once there are enough points, so that
// one diverging trial does not flatten every other curve (its points are drawn at the top).
Range valueRange(const std::vector<Series>& series) {
  std::vector<double> values;
  for (const auto& s : series) {
    for (const auto& [x, y] : s.points) {
      if (std::isfinite(y)) values.push_back(y);
    }
  }
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  Range r{values.front(), values.size() >= 20
                              ? values[static_cast<std::size_t>(0.95 * double(values.size() - 1))]
                              : values.back()};
  if (r.hi <= r.lo) {
    const double pad = std::max(std::abs(r.lo) * 0.05, 1e-6);
    return {r.lo - pad, r.hi + pad};
  }
  const double pad = (r.hi - r.lo) * 0.05;
  return {r.lo - pad, r.hi + pad};
}

Range xRange(const std::vector<Series>& series) {
  Range xs{1, 2};
  bool any = false;
  for (const auto& s : series) {
    for (const auto& [x, y] : s.points) {
      xs.lo = any ? std::min(xs.lo, x) : x;
      xs.hi = any ? std::max(xs.hi, x) : x;
      any = true;
    }
  }
  if (xs.hi <= xs.lo) xs.hi = xs.lo + 1;
  return xs;
}

// Where the plot area of a chart lies and how values map onto it.
struct ChartFrame {
  static constexpr int kLeft = 58;
  static constexpr int kRight = 10;
  static constexpr int kTop = 10;
  static constexpr int kBottom = 34;
  int width;
  int height;
  Range xs;
  Range ys;
  double plotW() const { return width - kLeft - kRight; }
  double plotH() const { return height - kTop - kBottom; }
  double px(double x) const { return kLeft + (x - xs.lo) / (xs.hi - xs.lo) * plotW(); }
  double py(double y) const {
    return kTop + (1.0 - (std::clamp(y, ys.lo, ys.hi) - ys.lo) / (ys.hi - ys.lo)) * plotH();
  }
};

void writeAxes(std::ostream& svg, const ChartFrame& f, const std::string& xLabel,
               const std::string& yLabel) {
  svg << "<rect class=\"plot\" x=\"" << ChartFrame::kLeft << "\" y=\"" << ChartFrame::kTop
      << "\" width=\"" << f.plotW() << "\" height=\"" << f.plotH() << "\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    const double y = f.ys.lo + (f.ys.hi - f.ys.lo) * i / 4.0;
    svg << "<line class=\"tick\" x1=\"" << ChartFrame::kLeft << "\" x2=\""
        << f.width - ChartFrame::kRight << "\" y1=\"" << f.py(y) << "\" y2=\"" << f.py(y)
        << "\"/><text x=\"" << ChartFrame::kLeft - 4 << "\" y=\"" << f.py(y) + 4
        << "\" text-anchor=\"end\">" << number(y, 3) << "</text>\n";
  }
  // Epoch labels at a round step (1, 2, 5, 10, 20, 50...), and at the first epoch.
  const double raw = std::max(1.0, (f.xs.hi - f.xs.lo) / 6.0);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double m : {2.0, 5.0, 10.0}) {
    if (step < raw) step = m * magnitude;
  }
  auto label = [&](double x) {
    svg << "<text x=\"" << f.px(x) << "\" y=\"" << f.height - ChartFrame::kBottom + 14
        << "\" text-anchor=\"middle\">" << number(x, 6) << "</text>\n";
  };
  const double first = std::ceil(f.xs.lo / step) * step;
  if (first - f.xs.lo >= step / 2) label(f.xs.lo);
  for (double x = first; x <= f.xs.hi + 1e-9; x += step) label(x);
  svg << "<text x=\"" << ChartFrame::kLeft + f.plotW() / 2 << "\" y=\"" << f.height - 4
      << "\" text-anchor=\"middle\">" << escape(xLabel) << "</text>\n";
  svg << "<text transform=\"translate(12," << ChartFrame::kTop + f.plotH() / 2
      << ") rotate(-90)\" text-anchor=\"middle\">" << escape(yLabel) << "</text>\n";
}

// A run of finite points is a line, or a dot when it is one point.
void writeRun(std::ostream& svg, std::vector<std::pair<double, double>>& run) {
  if (run.size() == 1) {
    svg << "<circle r=\"2\" cx=\"" << run[0].first << "\" cy=\"" << run[0].second << "\"/>";
  } else if (run.size() > 1) {
    svg << "<polyline points=\"";
    for (std::size_t i = 0; i < run.size(); ++i) {
      svg << (i > 0 ? " " : "") << run[i].first << "," << run[i].second;
    }
    svg << "\"/>";
  }
  run.clear();
}

void writeSeries(std::ostream& svg, const ChartFrame& f, const Series& s) {
  svg << "<g class=\"" << s.cssClass << "\"><title>" << escape(s.title) << "</title>";
  std::vector<std::pair<double, double>> run;
  for (const auto& [x, y] : s.points) {
    if (std::isfinite(y)) {
      run.emplace_back(f.px(x), f.py(y));
    } else {
      writeRun(svg, run);
    }
  }
  writeRun(svg, run);
  svg << "</g>\n";
}

std::string chart(const std::vector<Series>& series, const std::string& xLabel,
                  const std::string& yLabel, int width, int height) {
  const ChartFrame frame{width, height, xRange(series), valueRange(series)};
  std::ostringstream svg;
  svg << std::fixed << std::setprecision(1);
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height << "\" role=\"img\">\n";
  writeAxes(svg, frame, xLabel, yLabel);
  for (const auto& s : series) writeSeries(svg, frame, s);
  svg << "</svg>";
  return svg.str();
}

Series seriesOf(const ReportTrial& trial, const std::string& value, std::string cssClass,
                std::string title) {
  Series s{std::move(title), std::move(cssClass), {}};
  for (const auto& e : trial.epochs) {
    const auto it = e.values.find(value);
    if (it != e.values.end()) s.points.emplace_back(e.epoch, it->second);
  }
  return s;
}

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
    html << " " << escape(name) << " = " << escape(cellText(value)) << ";";
  }
  html << "</p>\n";
}

void writeTable(std::ostream& html, const StudySpec& spec, const std::vector<ReportTrial>& all,
                const std::vector<TrialRecord>& ranked) {
  std::vector<std::string> params;
  std::set<std::string> tests;
  for (const auto& t : all) {
    for (const auto& [name, value] : t.record.params.items()) {
      if (std::find(params.begin(), params.end(), name) == params.end()) params.push_back(name);
    }
    for (const auto& [name, value] : t.record.finalValues.items()) {
      if (name.starts_with("test_")) tests.insert(name);
    }
  }
  // Ranked trials first, then the primary backend's trials without a value.
  std::vector<TrialRecord> rows = ranked;
  for (const auto& t : all) {
    if (!t.record.value && t.record.backend == primaryBackend(spec)) rows.push_back(t.record);
  }
  html << "<table>\n<tr><th>rank</th><th>trial</th><th>status</th><th>" << escape(spec.metric.name)
       << "</th><th>best epoch</th><th>epochs</th><th>seconds</th><th>peak MiB</th>";
  for (const auto& p : params) html << "<th>" << escape(p) << "</th>";
  for (const auto& t : tests) html << "<th>" << escape(t) << "</th>";
  const bool anyError =
      std::any_of(rows.begin(), rows.end(), [](const TrialRecord& t) { return !t.error.empty(); });
  html << (anyError ? "<th>error</th>" : "") << "</tr>\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const TrialRecord& t = rows[i];
    html << "<tr class=\"trial" << (i == 0 && t.value ? " top" : "") << "\"><td>"
         << (t.value ? std::to_string(i + 1) : "") << "</td><td>" << t.id << "</td><td>"
         << escape(trialStatusName(t.status)) << "</td><td>" << (t.value ? number(*t.value, 6) : "")
         << "</td><td>" << t.bestEpoch << "</td><td>" << t.epochs << "</td><td>"
         << number(t.seconds, 3) << "</td><td>"
         << number(static_cast<double>(t.peakMemoryKiB) / 1024.0, 3) << "</td>";
    for (const auto& p : params) {
      html << "<td>" << (t.params.contains(p) ? escape(cellText(t.params[p])) : "") << "</td>";
    }
    for (const auto& name : tests) {
      const auto it = t.finalValues.find(name);
      html << "<td>"
           << (it != t.finalValues.end() && it->is_number() ? number(it->get<double>(), 4) : "")
           << "</td>";
    }
    if (anyError) {
      html << "<td class=\"error\">" << escape(t.error.substr(0, t.error.find('\n'))) << "</td>";
    }
    html << "</tr>\n";
  }
  html << "</table>\n";
}

// The learning curves of one trial: each value with its val_ twin in one chart; the search
// metric's chart marks the epoch that ranks the trial (its best_epoch).
void writeCurves(std::ostream& html, const ReportTrial& trial, const std::string& heading,
                 const std::string& metric) {
  std::map<std::string, std::set<std::string>> groups;
  for (const auto& e : trial.epochs) {
    for (const auto& [name, value] : e.values) {
      groups[name.starts_with("val_") ? name.substr(4) : name].insert(name);
    }
  }
  html << "<figure><figcaption>" << escape(heading) << "</figcaption>\n";
  for (const auto& [base, names] : groups) {
    std::vector<Series> series;
    for (const auto& name : names) {
      series.push_back(seriesOf(trial, name, name.starts_with("val_") ? "val" : "train", name));
    }
    const TrialRecord& r = trial.record;
    if (names.contains(metric) && r.value && r.bestEpoch > 0) {
      series.push_back(
          {"best epoch " + std::to_string(r.bestEpoch) + ": " + metric + " " + number(*r.value, 6),
           "mark",
           {{static_cast<double>(r.bestEpoch), *r.value}}});
    }
    html << chart(series, "epoch", base, 330, 190) << "\n";
  }
  html << "<div class=\"legend\"><span class=\"train\">training</span> "
          "<span class=\"val\">validation</span> <span class=\"mark\">&#9711; best epoch</span>"
          "</div></figure>\n";
}

const char* const kStyle = R"(body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
td,th{padding:2px 8px;border-bottom:1px solid #e3e3e3;text-align:right;white-space:nowrap}
tr.top{background:#eaf2ff;font-weight:600}td.error{text-align:left;color:#a33}
svg text{font-size:11px;fill:#555}svg .plot{fill:#fcfcfc;stroke:#ccc}svg .tick{stroke:#eee}
g.trial polyline{fill:none;stroke:#b9b9b9;stroke-width:1}g.trial circle{fill:#b9b9b9}
g.best polyline{fill:none;stroke:#1f6fd1;stroke-width:2.5}g.best circle{fill:#1f6fd1}
g.train polyline{fill:none;stroke:#d1661f;stroke-width:1.6}g.train circle{fill:#d1661f}
g.val polyline{fill:none;stroke:#1f6fd1;stroke-width:1.6;stroke-dasharray:5 3}
g.val circle{fill:#1f6fd1}g.mark circle{r:5px;fill:none;stroke:#c0392b;stroke-width:2}
.curves{display:flex;flex-wrap:wrap;gap:18px}figure{margin:0}figcaption{font-weight:600}
.legend span.train{color:#d1661f}.legend span.val{color:#1f6fd1})";

}  // namespace

const ReportTrial& findTrial(const std::vector<ReportTrial>& trials, const TrialRecord& r) {
  return *std::find_if(trials.begin(), trials.end(), [&](const ReportTrial& t) {
    return t.record.id == r.id && t.record.backend == r.backend;
  });
}

// Each trial's value in the order the trials were made, and the best so far.
void writeHistory(std::ostream& html, const StudySpec& spec,
                  const std::vector<TrialRecord>& ranked) {
  html << "<h2>" << escape(spec.metric.name) << " of each trial, and the best so far</h2>\n";
  std::vector<TrialRecord> inOrder = ranked;
  std::sort(inOrder.begin(), inOrder.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  std::vector<Series> history;
  Series bestSoFar{"best so far", "best", {}};
  for (const auto& t : inOrder) {
    history.push_back({trialName(t) + ": " + number(*t.value, 6), "trial", {{t.id, *t.value}}});
    const double best =
        bestSoFar.points.empty() || spec.metric.better(*t.value, bestSoFar.points.back().second)
            ? *t.value
            : bestSoFar.points.back().second;
    bestSoFar.points.emplace_back(t.id, best);
  }
  history.push_back(bestSoFar);
  html << chart(history, "trial", spec.metric.name, 760, 300)
       << "\n<p>Grey: each trial (hover for its number); blue: the best so far.</p>\n";
}

// The search metric per epoch, when trials have more than one.
void writeOverview(std::ostream& html, const StudySpec& spec,
                   const std::vector<ReportTrial>& trials, const std::vector<TrialRecord>& ranked) {
  const bool curves = std::any_of(trials.begin(), trials.end(),
                                  [](const ReportTrial& t) { return t.epochs.size() > 1; });
  if (!curves) return;
  html << "<h2>" << escape(spec.metric.name) << " per epoch, every trial</h2>\n";
  std::vector<Series> overview;
  for (const auto& t : trials) {
    if (t.record.backend != primaryBackend(spec)) continue;
    if (!ranked.empty() && t.record.id == ranked.front().id) continue;
    overview.push_back(seriesOf(t, spec.metric.name, "trial", trialName(t.record)));
  }
  if (!ranked.empty()) {
    const TrialRecord& best = ranked.front();
    overview.push_back(
        seriesOf(findTrial(trials, best), spec.metric.name, "best", trialName(best) + " (best)"));
  }
  html << chart(overview, "epoch", spec.metric.name, 760, 380)
       << "\n<p>Grey: every trial (hover for its number); blue: the best.</p>\n";
}

// Whether the study runs now (and who runs it), or how many trials its last run left unfinished.
void writeActivity(std::ostream& html, const std::vector<ReportTrial>& trials,
                   const std::optional<StudyOwner>& liveOwner) {
  if (liveOwner) {
    html << "<p class=\"live\">Running now: tunelab run " << escape(liveOwner->describe())
         << ". Running trials show their epochs so far.</p>\n";
    return;
  }
  const auto interrupted = std::count_if(trials.begin(), trials.end(), [](const ReportTrial& t) {
    return t.record.status == TrialStatus::Interrupted;
  });
  if (interrupted > 0) {
    html << "<p>" << interrupted << " trials did not finish; tunelab run resumes them.</p>\n";
  }
}

// The learning curves of the running trials, as far as they have got.
void writeRunning(std::ostream& html, const std::vector<ReportTrial>& trials) {
  std::vector<const ReportTrial*> running;
  for (const auto& t : trials) {
    if (t.record.status == TrialStatus::Running && !t.epochs.empty()) running.push_back(&t);
  }
  if (running.empty()) return;
  html << "<h2>Running trials, epochs so far</h2>\n<div class=\"curves\">\n";
  for (const ReportTrial* t : running) {
    writeCurves(
        html, *t,
        trialName(t->record) + ", running: " + std::to_string(t->epochs.size()) + " epochs so far",
        "");  // no value yet, so no best-epoch mark
  }
  html << "</div>\n";
}

std::string renderHtmlReport(const StudySpec& spec, const std::vector<ReportTrial>& trials,
                             const std::optional<StudyOwner>& liveOwner) {
  std::vector<TrialRecord> records;
  records.reserve(trials.size());
  for (const auto& t : trials) records.push_back(t.record);
  const auto ranked = rankTrials(records, spec);
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
       << escape(spec.name) << " - tunelab report</title>\n<style>\n"
       << kStyle << "\n</style>\n</head>\n<body>\n<h1>Study " << escape(spec.name) << "</h1>\n";
  writeActivity(html, trials, liveOwner);
  writeSummary(html, spec, trials, ranked);
  if (!spec.extraObjectives.empty()) html << paretoSection(spec, records);
  writeHistory(html, spec, ranked);
  writeOverview(html, spec, trials, ranked);
  html << "<h2>Trials, best first</h2>\n";
  writeTable(html, spec, trials, ranked);
  html << "<h2>Learning curves of the best trials</h2>\n<div class=\"curves\">\n";
  for (std::size_t i = 0; i < std::min(kCurvesOfBest, ranked.size()); ++i) {
    std::ostringstream heading;
    heading << "#" << i + 1 << ": " << trialName(ranked[i]) << ", " << spec.metric.name << " "
            << number(*ranked[i].value, 5) << " at epoch " << ranked[i].bestEpoch;
    writeCurves(html, findTrial(trials, ranked[i]), heading.str(), spec.metric.name);
  }
  html << "</div>\n";
  writeRunning(html, trials);
  html << "<p><small>" << escape(versionString()) << "</small></p>\n</body>\n</html>\n";
  return html.str();
}

std::string renderHtmlReport(const StudySpec& spec, StudyStore& store,
                             const std::vector<TrialRecord>& trials,
                             const std::optional<StudyOwner>& liveOwner) {
  std::vector<ReportTrial> withEpochs;
  withEpochs.reserve(trials.size());
  for (const auto& record : trials) {
    withEpochs.push_back({record, store.epochs(record.id, record.backend)});
  }
  return renderHtmlReport(spec, withEpochs, liveOwner);
}

}  // namespace tunelab
