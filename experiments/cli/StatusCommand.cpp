#include "experiments/cli/StatusCommand.h"

#include <iomanip>
#include <map>
#include <optional>
#include <ostream>
#include <utility>

#include "experiments/cli/ExitCode.h"
#include "experiments/report/ResultsTable.h"

namespace tunelab {

namespace {

// "  trial 3 running: 12 epochs so far, val_loss 0.3123 (best 0.301 at epoch 10)".
void printRunningTrial(std::ostream& out, const TrialRecord& t, StoredStudy& s) {
  const auto epochs = s.store->epochs(t.id, t.backend);
  out << "  trial " << t.id;
  if (s.spec.execution.backends.size() > 1) out << " (" << t.backend << ")";
  out << " running: " << epochs.size() << " epochs so far";
  const std::string& metric = s.spec.metric.name;
  std::optional<double> last;
  std::optional<std::pair<double, int>> best;  // value, epoch
  for (const auto& e : epochs) {
    const auto it = e.values.find(metric);
    if (it == e.values.end()) continue;
    last = it->second;
    if (!best || s.spec.metric.better(it->second, best->first)) best = {it->second, e.epoch};
  }
  if (last && best) {
    out << std::setprecision(5) << ", " << metric << " " << *last << " (best " << best->first
        << " at epoch " << best->second << ")";
  }
  out << "\n";
}

// "Ran on: rank 1 on node1 (12 trials), rank 2 on node2 (11 trials)" for a study under mpirun.
void printRanks(std::ostream& out, const std::vector<TrialRecord>& trials) {
  std::map<int, std::pair<std::string, int>> byRank;  // rank -> where, trials
  for (const auto& t : trials) {
    if (!t.rank) continue;
    auto& [where, count] = byRank[*t.rank];
    where = ranOn(t);
    ++count;
  }
  if (byRank.empty()) return;
  out << "Ran on:";
  const char* separator = " ";
  for (const auto& [rank, placed] : byRank) {
    const auto& [where, count] = placed;
    out << separator << where << " (" << count << (count == 1 ? " trial)" : " trials)");
    separator = ", ";
  }
  out << "\n";
}

}  // namespace

int runStatus(const StudyLocation& where, std::ostream& out, std::ostream& err) {
  return readStudy(where, err, [&](StoredStudy& s) {
    const auto trials = s.trials();
    out << "Study '" << s.spec.name << "' (" << s.spec.strategy << ") in "
        << s.store->file().string() << "\n";
    if (s.owner) out << "Running now: tunelab run " << s.owner->describe() << "\n";
    out << formatBestTrials(trials, s.spec, 1);
    printRanks(out, trials);
    int interrupted = 0;
    for (const auto& t : trials) {
      if (t.status == TrialStatus::Running) printRunningTrial(out, t, s);
      interrupted += t.status == TrialStatus::Interrupted ? 1 : 0;
    }
    if (interrupted > 0) {
      out << interrupted << " trials did not finish; tunelab run resumes them\n";
    }
    return kExitOk;
  });
}

}  // namespace tunelab
