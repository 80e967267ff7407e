#include "experiments/cli/ExportCommand.h"

#include <ostream>

#include "core/Error.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/files/AtomicFile.h"
#include "experiments/files/InputFile.h"
#include "experiments/files/OutputFile.h"
#include "experiments/report/HtmlReport.h"
#include "experiments/report/ParetoFront.h"
#include "experiments/report/PngExport.h"
#include "experiments/report/ResultsTable.h"

namespace tunelab {

namespace {

// A study of several objectives: each objective's value by name, and whether the trial is on
// the Pareto front.
void addObjectives(nlohmann::json& trial, const TrialRecord& t, const StudySpec& spec,
                   const std::set<TrialId>& pareto) {
  if (spec.extraObjectives.empty()) return;
  nlohmann::json objectives = nlohmann::json::object();
  const auto goals = objectivesOf(spec);
  for (std::size_t i = 0; i < goals.size() && i < t.objectives.size(); ++i) {
    objectives[goals[i].name] = t.objectives[i];
  }
  trial["objectives"] = objectives;
  trial["pareto"] = t.backend == primaryBackend(spec) && pareto.contains(t.id);
}

nlohmann::json trialJson(const TrialRecord& t, StudyStore& store) {
  nlohmann::json epochs = nlohmann::json::array();
  for (const auto& e : store.epochs(t.id, t.backend)) {
    epochs.push_back({{"epoch", e.epoch},
                      {"seconds", e.seconds},
                      {"learning_rate", e.learningRate},
                      {"values", e.values}});
  }
  return {{"trial", t.id},
          {"backend", t.backend},
          {"status", trialStatusName(t.status)},
          {"value", t.value ? nlohmann::json(*t.value) : nlohmann::json()},
          {"params", t.params},
          {"seed", t.seed},
          {"seconds", t.seconds},
          {"peak_memory_kib", t.peakMemoryKiB},
          {"best_epoch", t.bestEpoch},
          {"at_best_epoch", t.finalValues},
          {"error", t.error},
          {"epochs", epochs}};
}

std::string trialsJson(StoredStudy& s, const std::vector<TrialRecord>& trials) {
  nlohmann::json all = nlohmann::json::array();
  const auto pareto = paretoIds(trials, s.spec);
  for (const auto& t : trials) {
    all.push_back(trialJson(t, *s.store));
    addObjectives(all.back(), t, s.spec, pareto);
  }
  nlohmann::json owner;  // null: no run owns the study now
  if (s.owner)
    owner = {{"pid", s.owner->pid}, {"host", s.owner->host}, {"started", s.owner->started}};
  nlohmann::json document{{"study", s.spec.name},
                          {"metric", s.spec.metric.name},
                          {"goal", s.spec.metric.goalName()},
                          {"running_now", owner},
                          {"trials", all}};
  if (!s.spec.extraObjectives.empty()) {
    nlohmann::json objectives = nlohmann::json::array();
    for (const auto& goal : objectivesOf(s.spec)) {
      objectives.push_back({{"name", goal.name}, {"goal", goal.goalName()}});
    }
    document["objectives"] = objectives;
  }
  return document.dump(2) + "\n";
}

std::string renderedReport(StoredStudy& s, const std::vector<TrialRecord>& trials) {
  std::optional<LiveStatus> live;
  if (s.owner) live = LiveStatus{*s.owner};
  return renderHtmlReport(s.spec, *s.store, trials, live);
}

void printPngs(const std::vector<PngChart>& charts, const std::filesystem::path& dir,
               std::ostream& out) {
  out << "Wrote " << charts.size() << (charts.size() == 1 ? " chart" : " charts") << " to "
      << dir.string() << ":";
  for (const auto& c : charts) out << " " << c.file.filename().string();
  out << "\n";
}

// The page is written beside the images for Chromium to open, and removed after.
void exportPngs(StoredStudy& s, const std::vector<TrialRecord>& trials,
                const std::filesystem::path& dir, std::ostream& out) {
  std::filesystem::create_directories(dir);
  const auto page = dir / ".report-for-png.html";
  writeFileAtomically(page, renderedReport(s, trials));
  std::vector<PngChart> charts;
  try {
    charts = writeReportPngs(page, dir);
  } catch (...) {
    std::filesystem::remove(page);
    throw;
  }
  std::filesystem::remove(page);
  printPngs(charts, dir, out);
}

}  // namespace

int runExportReportPngs(const std::filesystem::path& report, const std::filesystem::path& dir,
                        std::ostream& out, std::ostream& err) {
  try {
    checkInputFile(report, "report (report.html)", InputContent::Text);
    printPngs(writeReportPngs(report, dir), dir, out);
    return kExitOk;
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
}

int runExport(const StudyLocation& where, const std::string& format,
              const std::filesystem::path& output, std::ostream& out, std::ostream& err) {
  return readStudy(where, err, [&](StoredStudy& s) {
    const auto trials = s.trials();
    if (format == "png") {
      exportPngs(s, trials, output, out);
      return kExitOk;
    }
    std::string content;
    if (format == "csv") {
      content = resultsCsv(trials, &s.spec);
    } else if (format == "json") {
      content = trialsJson(s, trials);
    } else if (format == "html") {
      content = renderedReport(s, trials);
    } else {
      throw Error("unknown export format '" + format + "': choose csv, json, html or png");
    }
    // With the export on standard output, the line about it goes to stderr.
    const WrittenTo written = writeOutputFile(output, content, out);
    (written == WrittenTo::StandardOutput ? err : out)
        << "Wrote " << trials.size() << " trials to " << output.string() << "\n";
    return kExitOk;
  });
}

}  // namespace tunelab
