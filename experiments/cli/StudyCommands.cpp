#include "experiments/cli/StudyCommands.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>

#include "core/Error.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/config/Overrides.h"
#include "experiments/config/StudySpec.h"
#include "experiments/config/YamlDocument.h"
#include "experiments/files/AtomicFile.h"
#include "experiments/report/HtmlReport.h"
#include "experiments/report/ResultsTable.h"
#include "experiments/store/StudyStore.h"

namespace tunelab {

namespace {

// The study's settings and its store. A database given directly is read with the settings
// stored in it (the experiment file it was run from).
struct OpenedStudy {
  StudySpec spec;
  std::optional<StudyStore> store;
};

bool isDatabase(const std::filesystem::path& path) {
  const auto ext = path.extension().string();
  return ext == ".db" || ext == ".sqlite" || ext == ".sqlite3";
}

void openStudy(const StudyLocation& where, OpenedStudy& opened) {
  if (!std::filesystem::exists(where.path)) {
    throw Error(where.path.string() + ": no such file");
  }
  if (isDatabase(where.path)) {
    opened.store.emplace(where.path);
    const YamlDocument document = YamlDocument::parse(opened.store->experimentText(),
                                                      where.path.string() + " (stored experiment)");
    opened.spec = parseStudySpec(document.root(), document.keysInFileOrder("search.parameters"));
    return;
  }
  YamlDocument document = YamlDocument::load(where.path);
  applyOverrides(document, where.overrides);
  try {
    opened.spec = parseStudySpec(document.root(), document.keysInFileOrder("search.parameters"));
  } catch (const ConfigError& e) {
    throw Error(document.describe(e));
  }
  if (!std::filesystem::exists(opened.spec.storage)) {
    throw Error("no study yet at " + opened.spec.storage.string() + " (execution.storage of " +
                where.path.string() + "): run it with tunelab run " + where.path.string());
  }
  opened.store.emplace(opened.spec.storage);
}

template <typename F>
int guarded(std::ostream& err, F&& body) {
  try {
    return body();
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
}

double median(std::vector<double> values) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

}  // namespace

int runStatus(const StudyLocation& where, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    OpenedStudy s;
    openStudy(where, s);
    const auto trials = s.store->trials();
    out << "Study '" << s.spec.name << "' (" << s.spec.strategy << ") in "
        << s.store->file().string() << "\n";
    out << formatBestTrials(trials, s.spec, 1);
    int unfinished = 0;
    for (const auto& t : trials) {
      unfinished += t.status == TrialStatus::Running || t.status == TrialStatus::Interrupted;
    }
    if (unfinished > 0) {
      out << unfinished << " trials did not finish; tunelab run resumes them\n";
    }
    return kExitOk;
  });
}

int runBest(const StudyLocation& where, std::size_t count, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    OpenedStudy s;
    openStudy(where, s);
    out << formatBestTrials(s.store->trials(), s.spec, count);
    return kExitOk;
  });
}

int runExport(const StudyLocation& where, const std::string& format,
              const std::filesystem::path& output, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    OpenedStudy s;
    openStudy(where, s);
    const auto trials = s.store->trials();
    if (format == "csv") {
      writeResultsCsv(output, trials);
    } else if (format == "json") {
      nlohmann::json all = nlohmann::json::array();
      for (const auto& t : trials) {
        nlohmann::json epochs = nlohmann::json::array();
        for (const auto& e : s.store->epochs(t.id, t.backend)) {
          epochs.push_back({{"epoch", e.epoch},
                            {"seconds", e.seconds},
                            {"learning_rate", e.learningRate},
                            {"values", e.values}});
        }
        all.push_back({{"trial", t.id},
                       {"backend", t.backend},
                       {"status", trialStatusName(t.status)},
                       {"value", t.value ? nlohmann::json(*t.value) : nlohmann::json()},
                       {"params", t.params},
                       {"seed", t.seed},
                       {"seconds", t.seconds},
                       {"peak_memory_kib", t.peakMemoryKiB},
                       {"final", t.finalValues},
                       {"error", t.error},
                       {"epochs", epochs}});
      }
      writeFileAtomically(output,
                          nlohmann::json{{"study", s.spec.name},
                                         {"metric", s.spec.metric},
                                         {"goal", s.spec.maximize ? "maximize" : "minimize"},
                                         {"trials", all}}
                                  .dump(2) +
                              "\n");
    } else if (format == "html") {
      writeFileAtomically(output, renderHtmlReport(s.spec, *s.store, trials));
    } else {
      throw Error("unknown export format '" + format + "': choose csv, json or html");
    }
    out << "Wrote " << trials.size() << " trials to " << output.string() << "\n";
    return kExitOk;
  });
}

int runCompare(const StudyLocation& where, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    OpenedStudy s;
    openStudy(where, s);
    const auto trials = s.store->trials();
    // The backends the trials ran on (a --set at run time may have changed the file's list).
    std::vector<std::string> backends;
    for (const auto& b : s.spec.backends) {
      if (std::any_of(trials.begin(), trials.end(),
                      [&](const auto& t) { return t.backend == b; })) {
        backends.push_back(b);
      }
    }
    for (const auto& t : trials) {
      if (std::find(backends.begin(), backends.end(), t.backend) == backends.end()) {
        backends.push_back(t.backend);
      }
    }
    if (backends.empty()) throw Error("the study has no trials yet");
    const std::string base =
        std::find(backends.begin(), backends.end(), "reference") != backends.end()
            ? "reference"
            : backends.front();
    std::map<std::pair<TrialId, std::string>, double> finalLoss;
    for (const auto& t : trials) {
      if (auto it = t.finalValues.find("val_loss"); it != t.finalValues.end() && it->is_number()) {
        finalLoss[{t.id, t.backend}] = it->get<double>();
      }
    }
    out << std::left << std::setw(12) << "backend" << std::setw(8) << "trials" << std::setw(14)
        << "total time" << std::setw(16) << "median epoch" << std::setw(16) << "peak memory"
        << "max |val_loss - " << base << "|\n";
    for (const auto& backend : backends) {
      double total = 0;
      int count = 0;
      std::int64_t peak = 0;
      std::vector<double> epochSeconds;
      double maxDifference = 0;
      bool compared = false;
      for (const auto& t : trials) {
        if (t.backend != backend || t.status == TrialStatus::Running) continue;
        ++count;
        total += t.seconds;
        peak = std::max(peak, t.peakMemoryKiB);
        for (const auto& e : s.store->epochs(t.id, t.backend)) epochSeconds.push_back(e.seconds);
        auto mine = finalLoss.find({t.id, backend});
        auto theirs = finalLoss.find({t.id, base});
        if (mine != finalLoss.end() && theirs != finalLoss.end()) {
          maxDifference = std::max(maxDifference, std::abs(mine->second - theirs->second));
          compared = true;
        }
      }
      std::ostringstream row;
      row << std::left << std::setw(12) << backend << std::setw(8) << count << std::setw(14)
          << (std::to_string(static_cast<long long>(std::llround(total * 1000))) + " ms")
          << std::setw(16)
          << (std::to_string(static_cast<long long>(std::llround(median(epochSeconds) * 1e6))) +
              " us")
          << std::setw(16) << (std::to_string(peak / 1024) + " MiB");
      if (backend == base) {
        row << "(baseline)";
      } else if (compared) {
        std::ostringstream d;
        d << std::scientific << std::setprecision(2) << maxDifference;
        row << d.str();
      } else {
        row << "n/a";
      }
      out << row.str() << "\n";
    }
    out << "Peak memory is the process's (trials share one process).\n";
    return kExitOk;
  });
}

}  // namespace tunelab
