#include "experiments/report/ReportData.h"

#include <cmath>
#include <cstdio>
#include <ostream>
#include <set>

#include "experiments/cli/Version.h"
#include "experiments/report/ResultsTable.h"

namespace tunelab {

namespace {

// 6 significant digits: the page shows no more, and 1,000 trials' curves stay small.
nlohmann::json compact(double v) {
  if (!std::isfinite(v)) return nullptr;
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return std::strtod(text, nullptr);
}

nlohmann::json paramsOf(const nlohmann::json& params) {
  nlohmann::json shown = nlohmann::json::object();
  for (const auto& [name, value] : params.items()) {
    if (value.is_number()) {
      shown[name] = value;
    } else {
      shown[name] = paramLabel(value);
    }
  }
  return shown;
}

nlohmann::json curvesOf(const std::vector<EpochRecord>& epochs) {
  std::set<std::string> names;
  for (const auto& e : epochs) {
    for (const auto& [name, v] : e.values) names.insert(name);
  }
  nlohmann::json curves = nlohmann::json::object();
  curves["epoch"] = nlohmann::json::array();
  curves["seconds"] = nlohmann::json::array();
  for (const auto& name : names) curves["values"][name] = nlohmann::json::array();
  for (const auto& e : epochs) {
    curves["epoch"].push_back(e.epoch);
    curves["seconds"].push_back(compact(e.seconds));
    for (const auto& name : names) {
      const auto it = e.values.find(name);
      curves["values"][name].push_back(it == e.values.end() ? nullptr : compact(it->second));
    }
  }
  return curves;
}

nlohmann::json trialData(const ReportTrial& t) {
  const TrialRecord& r = t.record;
  nlohmann::json atBest = nlohmann::json::object();
  for (const auto& [name, value] : r.finalValues.items()) {
    if (value.is_number()) atBest[name] = compact(value.get<double>());
  }
  nlohmann::json objectives = nlohmann::json::array();
  for (const double v : r.objectives) objectives.push_back(compact(v));
  return {{"id", r.id},
          {"backend", r.backend},
          {"status", trialStatusName(r.status)},
          {"value", r.value ? compact(*r.value) : nlohmann::json()},
          {"objectives", objectives},
          {"best_epoch", r.bestEpoch},
          {"epochs", r.epochs},
          {"budget", r.budget},
          {"resumed_from", r.resumeFrom ? nlohmann::json(*r.resumeFrom) : nlohmann::json()},
          {"seconds", compact(r.seconds)},
          {"peak_mib", compact(static_cast<double>(r.peakMemoryKiB) / 1024.0)},
          {"params", paramsOf(r.params)},
          {"at_best", atBest},
          {"error", r.error},
          {"ran_on", r.rank ? nlohmann::json(ranOn(r)) : nlohmann::json()},
          {"curves", curvesOf(t.epochs)}};
}

nlohmann::json liveData(const std::optional<LiveStatus>& live) {
  if (!live) return nullptr;
  return {{"owner", live->owner.describe()},
          {"reload_seconds", live->reloadSeconds},
          {"expected_trials",
           live->expectedTrials ? nlohmann::json(*live->expectedTrials) : nlohmann::json()},
          {"elapsed_seconds", compact(live->elapsedSeconds)},
          {"epochs_per_trial", live->epochsPerTrial}};
}

}  // namespace

std::string paramLabel(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  if (value.is_array()) {
    std::string text = "[";
    for (std::size_t i = 0; i < value.size(); ++i) {
      text += (i > 0 ? ", " : "") + paramLabel(value[i]);
    }
    return text + "]";
  }
  if (!value.is_object()) return value.dump();
  std::string head;
  std::string args;
  for (const auto& [key, v] : value.items()) {
    if (head.empty() && (key == "name" || key == "type") && v.is_string()) {
      head = v.get<std::string>();
      continue;
    }
    args += (args.empty() ? "" : ", ") + key + "=" + paramLabel(v);
  }
  return head.empty() ? args : head + "(" + args + ")";
}

nlohmann::json reportData(const StudySpec& spec, const std::vector<ReportTrial>& trials,
                          const std::optional<LiveStatus>& live) {
  nlohmann::json objectives = nlohmann::json::array();
  for (const auto& goal : objectivesOf(spec)) {
    objectives.push_back({{"name", goal.name}, {"goal", goal.goalName()}});
  }
  nlohmann::json all = nlohmann::json::array();
  for (const auto& t : trials) all.push_back(trialData(t));
  return {{"study", spec.name},
          {"strategy", spec.strategy},
          {"strategy_reason", spec.strategyReason},
          {"metric", spec.metric.name},
          {"goal", spec.metric.goalName()},
          {"objectives", objectives},
          {"backends", spec.execution.backends},
          {"primary_backend", primaryBackend(spec)},
          {"live", liveData(live)},
          {"version", versionString()},
          {"trials", all}};
}

void writeReportData(std::ostream& out, const StudySpec& spec, const ReportTrials& trials,
                     const std::optional<LiveStatus>& live, const nlohmann::json& extra) {
  nlohmann::json head = reportData(spec, {}, live);
  head.erase("trials");
  head.update(extra);
  // The head's text without its closing brace, then the trials as the last key.
  std::string text = scriptSafeJson(head);
  text.pop_back();
  out << text << (head.empty() ? "" : ",") << "\"trials\":[";
  bool first = true;
  trials([&](const ReportTrial& trial) {
    out << (first ? "" : ",") << scriptSafeJson(trialData(trial));
    first = false;
  });
  out << "]}";
}

std::string scriptSafeJson(const nlohmann::json& value) {
  const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string safe;
  safe.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') {
      safe += "\\u003c";
    } else if (c == '>') {
      safe += "\\u003e";
    } else if (c == '&') {
      safe += "\\u0026";
    } else if (text.compare(i, 3, "\xE2\x80\xA8") == 0) {
      safe += "\\u2028";
      i += 2;
    } else if (text.compare(i, 3, "\xE2\x80\xA9") == 0) {
      safe += "\\u2029";
      i += 2;
    } else {
      safe += c;
    }
  }
  return safe;
}

}  // namespace tunelab
