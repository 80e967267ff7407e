#include "experiments/cli/CompareCommand.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>

#include "core/Error.h"
#include "experiments/cli/ExitCode.h"

namespace tunelab {

namespace {

double median(std::vector<double> values) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// The backends the trials ran on, the study's order first (a --set at run time may have
// changed the file's list).
std::vector<std::string> backendsRun(const StudySpec& spec,
                                     const std::vector<TrialRecord>& trials) {
  std::vector<std::string> backends;
  for (const auto& b : spec.execution.backends) {
    if (std::any_of(trials.begin(), trials.end(), [&](const auto& t) { return t.backend == b; })) {
      backends.push_back(b);
    }
  }
  for (const auto& t : trials) {
    if (std::find(backends.begin(), backends.end(), t.backend) == backends.end()) {
      backends.push_back(t.backend);
    }
  }
  return backends;
}

using FinalLoss = std::map<std::pair<TrialId, std::string>, double>;

FinalLoss finalLosses(const std::vector<TrialRecord>& trials) {
  FinalLoss losses;
  for (const auto& t : trials) {
    if (auto it = t.finalValues.find("val_loss"); it != t.finalValues.end() && it->is_number()) {
      losses[{t.id, t.backend}] = it->get<double>();
    }
  }
  return losses;
}

// One backend's row: trials, total time, median epoch, peak memory, largest difference.
std::string backendRow(const std::string& backend, const std::string& base,
                       const std::vector<TrialRecord>& trials, StudyStore& store,
                       const FinalLoss& losses) {
  double total = 0;
  int count = 0;
  std::int64_t peak = 0;
  std::vector<double> epochSeconds;
  std::optional<double> maxDifference;
  for (const auto& t : trials) {
    if (t.backend != backend || t.status == TrialStatus::Running) continue;
    ++count;
    total += t.seconds;
    peak = std::max(peak, t.peakMemoryKiB);
    for (const auto& e : store.epochs(t.id, t.backend)) epochSeconds.push_back(e.seconds);
    auto mine = losses.find({t.id, backend});
    auto theirs = losses.find({t.id, base});
    if (mine != losses.end() && theirs != losses.end()) {
      maxDifference =
          std::max(maxDifference.value_or(0.0), std::abs(mine->second - theirs->second));
    }
  }
  std::ostringstream row;
  row << std::left << std::setw(12) << backend << std::setw(8) << count << std::setw(14)
      << (std::to_string(static_cast<long long>(std::llround(total * 1000))) + " ms")
      << std::setw(16)
      << (std::to_string(static_cast<long long>(std::llround(median(epochSeconds) * 1e6))) + " us")
      << std::setw(16) << (std::to_string(peak / 1024) + " MiB");
  if (backend == base) {
    row << "(baseline)";
  } else if (maxDifference) {
    row << std::scientific << std::setprecision(2) << *maxDifference;
  } else {
    row << "n/a";
  }
  return row.str();
}

}  // namespace

int runCompare(const StudyLocation& where, std::ostream& out, std::ostream& err) {
  return readStudy(where, err, [&](StoredStudy& s) {
    const auto trials = s.store->trials();
    const auto backends = backendsRun(s.spec, trials);
    if (backends.empty()) throw Error("the study has no trials yet");
    const std::string base =
        std::find(backends.begin(), backends.end(), "reference") != backends.end()
            ? "reference"
            : backends.front();
    const FinalLoss losses = finalLosses(trials);
    out << std::left << std::setw(12) << "backend" << std::setw(8) << "trials" << std::setw(14)
        << "total time" << std::setw(16) << "median epoch" << std::setw(16) << "peak memory"
        << "max |val_loss - " << base << "|\n";
    for (const auto& backend : backends) {
      out << backendRow(backend, base, trials, *s.store, losses) << "\n";
    }
    out << "Peak memory is the process's (trials share one process).\n";
    return kExitOk;
  });
}

}  // namespace tunelab
