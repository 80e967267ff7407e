#include "experiments/report/ParetoChart.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "experiments/report/HtmlText.h"
#include "experiments/report/ParetoFront.h"
#include "experiments/report/ResultsTable.h"

namespace tunelab {

namespace {

constexpr int kWidth = 760;
constexpr int kHeight = 380;
constexpr int kLeft = 70;
constexpr int kRight = 12;
constexpr int kTop = 10;
constexpr int kBottom = 40;

// One axis of the scatter: a linear or (for values spanning over two decades) log scale.
struct Axis {
  double lo = 0;
  double hi = 1;
  bool log = false;

  static Axis of(const std::vector<double>& values) {
    Axis a;
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    a.log = *lo > 0 && *hi / *lo > 100;
    a.lo = a.log ? std::log10(*lo) : *lo;
    a.hi = a.log ? std::log10(*hi) : *hi;
    const double pad = a.hi > a.lo ? (a.hi - a.lo) * 0.05 : std::max(std::abs(a.lo) * 0.05, 1e-6);
    a.lo -= pad;
    a.hi += pad;
    return a;
  }
  // Where `v` lies between 0 (lo) and 1 (hi).
  double fraction(double v) const { return ((log ? std::log10(v) : v) - lo) / (hi - lo); }
  double valueAt(double fraction) const {
    const double v = lo + fraction * (hi - lo);
    return log ? std::pow(10.0, v) : v;
  }
};

struct Frame {
  Axis x;
  Axis y;
  double px(double v) const { return kLeft + x.fraction(v) * (kWidth - kLeft - kRight); }
  double py(double v) const { return kTop + (1 - y.fraction(v)) * (kHeight - kTop - kBottom); }
};

void writeAxes(std::ostream& svg, const Frame& f, const std::string& xName,
               const std::string& yName) {
  svg << "<rect class=\"plot\" x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\""
      << kWidth - kLeft - kRight << "\" height=\"" << kHeight - kTop - kBottom << "\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    const double yv = f.y.valueAt(i / 4.0);
    const double xv = f.x.valueAt(i / 4.0);
    svg << "<line class=\"tick\" x1=\"" << kLeft << "\" x2=\"" << kWidth - kRight << "\" y1=\""
        << f.py(yv) << "\" y2=\"" << f.py(yv) << "\"/><text x=\"" << kLeft - 4 << "\" y=\""
        << f.py(yv) + 4 << "\" text-anchor=\"end\">" << formatNumber(yv, 3) << "</text>\n"
        << "<text x=\"" << f.px(xv) << "\" y=\"" << kHeight - kBottom + 14
        << "\" text-anchor=\"middle\">" << formatNumber(xv, 3) << "</text>\n";
  }
  svg << "<text x=\"" << kLeft + (kWidth - kLeft - kRight) / 2 << "\" y=\"" << kHeight - 6
      << "\" text-anchor=\"middle\">" << escapeHtml(xName) << (f.x.log ? " (log scale)" : "")
      << "</text>\n<text transform=\"translate(14," << kTop + (kHeight - kTop - kBottom) / 2
      << ") rotate(-90)\" text-anchor=\"middle\">" << escapeHtml(yName)
      << (f.y.log ? " (log scale)" : "") << "</text>\n";
}

std::string pointTitle(const TrialRecord& t, const std::vector<MetricGoal>& goals) {
  std::string title = "trial " + std::to_string(t.id);
  for (std::size_t i = 0; i < goals.size(); ++i) {
    title += ", " + goals[i].name + " " + formatNumber(t.objectives[i], 5);
  }
  return escapeHtml(title + " " + t.params.dump());
}

std::string scatter(const StudySpec& spec, const std::vector<TrialRecord>& scored,
                    const std::vector<TrialRecord>& front) {
  const auto goals = objectivesOf(spec);
  std::vector<double> xs;
  std::vector<double> ys;
  for (const auto& t : scored) {
    xs.push_back(t.objectives[0]);
    ys.push_back(t.objectives[1]);
  }
  const Frame f{Axis::of(xs), Axis::of(ys)};
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" class=\"pareto\">\n";
  writeAxes(svg, f, goals[0].name, goals[1].name);
  for (const auto& t : scored) {
    svg << "<circle class=\"trial\" fill=\"#b9b9b9\" cx=\"" << f.px(t.objectives[0]) << "\" cy=\""
        << f.py(t.objectives[1]) << "\" r=\"3\"><title>" << pointTitle(t, goals)
        << "</title></circle>\n";
  }
  // With more than two objectives the front, seen in two of them, is no staircase: no line.
  if (goals.size() == 2) {
    svg << "<polyline class=\"front\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.5\" "
           "stroke-dasharray=\"4 3\" points=\"";
    for (const auto& t : front) svg << f.px(t.objectives[0]) << "," << f.py(t.objectives[1]) << " ";
    svg << "\"/>\n";
  }
  for (const auto& t : front) {
    svg << "<circle class=\"front\" fill=\"#c0392b\" cx=\"" << f.px(t.objectives[0]) << "\" cy=\""
        << f.py(t.objectives[1]) << "\" r=\"5\"><title>" << pointTitle(t, goals)
        << " (Pareto front)</title></circle>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

std::string frontTable(const StudySpec& spec, const std::vector<TrialRecord>& front) {
  const auto goals = objectivesOf(spec);
  std::ostringstream html;
  html << "<table>\n<tr><th>trial</th>";
  for (const auto& goal : goals) html << "<th>" << escapeHtml(goal.name) << "</th>";
  html << "<th>parameters</th></tr>\n";
  for (const auto& t : front) {
    html << "<tr><td>" << t.id << "</td>";
    for (double v : t.objectives) html << "<td>" << formatNumber(v, 6) << "</td>";
    html << "<td>";
    for (const auto& [name, value] : t.params.items()) {
      html << escapeHtml(name) << " = " << escapeHtml(cellText(value)) << "; ";
    }
    html << "</td></tr>\n";
  }
  html << "</table>\n";
  return html.str();
}

}  // namespace

std::string paretoSection(const StudySpec& spec, const std::vector<TrialRecord>& trials) {
  const auto goals = objectivesOf(spec);
  std::vector<TrialRecord> scored;
  for (const auto& t : trials) {
    if (t.backend == primaryBackend(spec) && t.status == TrialStatus::Complete &&
        t.objectives.size() == goals.size()) {
      scored.push_back(t);
    }
  }
  std::ostringstream html;
  html << "<section id=\"pareto\"><h2>Pareto front of " << escapeHtml(describeObjectives(spec))
       << "</h2>\n";
  if (scored.empty()) return html.str() + "<p>No trial has every objective yet.</p></section>\n";
  const auto front = paretoFront(trials, spec);
  html << "<p>" << front.size() << " of " << scored.size()
       << " complete trials are on the front (no other trial is as good in every objective and "
          "better in one). Every trial by "
       << escapeHtml(goals[0].name) << " and " << escapeHtml(goals[1].name)
       << "; the front in red.</p>\n"
       << scatter(spec, scored, front) << frontTable(spec, front) << "</section>\n";
  return html.str();
}

}  // namespace tunelab
