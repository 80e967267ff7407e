#include "experiments/study/ProgressReporter.h"

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <vector>

#include "experiments/report/Units.h"

namespace tunelab {

namespace {

std::string formatDuration(double seconds) {
  std::ostringstream s;
  if (seconds < 60) {
    s << std::fixed << std::setprecision(1) << seconds << "s";
  } else {
    s << static_cast<int>(seconds / 60) << "m" << std::setw(2) << std::setfill('0')
      << static_cast<int>(seconds) % 60 << "s";
  }
  return s.str();
}

// A failed trial's error: its first line, then the last lines after it (a program's stderr
// tail), indented and bounded, so the cause is on screen and not only in results.csv.
std::string shownError(const std::string& error) {
  constexpr std::size_t kLinesShown = 5;
  constexpr std::size_t kLineWidth = 200;
  std::vector<std::string> lines;
  std::istringstream in(error);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > kLineWidth) line = line.substr(0, kLineWidth) + "...";
    lines.push_back(line);
  }
  if (lines.empty()) return error;
  std::string shown = lines.front();
  const std::size_t first =
      std::max<std::size_t>(1, lines.size() - std::min(lines.size(), kLinesShown));
  for (std::size_t i = first; i < lines.size(); ++i) shown += "\n    " + lines[i];
  return shown;
}

std::string describe(const FinishedTrial& t, const MetricGoal& metric) {
  const TrialRecord& r = t.record;
  std::ostringstream line;
  line << "[" << t.finished;
  if (t.total) line << "/" << *t.total;
  line << "] trial " << r.id;
  if (t.showBackend) line << " (" << r.backend << ")";
  line << " " << trialStatusName(r.status);
  if (r.value) line << " " << metric.name << "=" << readableValue(*r.value);
  for (const auto& [name, value] : t.moreObjectives)
    line << " " << name << "=" << readableValue(value);
  line << " in " << formatDuration(r.seconds);
  if (!r.error.empty()) {
    line << ": "
         << (r.status == TrialStatus::Failed ? shownError(r.error)
                                             : r.error.substr(0, r.error.find('\n')));
  }
  if (t.best) {
    // With several objectives no trial is best: this one is best in the first.
    line << " | best " << (t.moreObjectives.empty() ? "" : metric.name + " ")
         << readableValue(*t.best) << " (trial " << t.bestId << ")";
  }
  if (t.etaSeconds) line << " | ETA " << formatDuration(*t.etaSeconds);
  return line.str();
}

class LineProgress : public ProgressReporter {
 public:
  explicit LineProgress(std::ostream& out) : out_(out) {}
  void resuming(int finishedEarlier, int runAgain, int fromCheckpoint) override {
    out_ << "Resuming study: " << finishedEarlier << " trials finished earlier, " << runAgain
         << " to run again (" << fromCheckpoint << " from a checkpoint)\n"
         << std::flush;
  }
  void trialFinished(const FinishedTrial& trial, const MetricGoal& metric) override {
    out_ << describe(trial, metric) << "\n" << std::flush;
  }
  void done() override {}

 protected:
  std::ostream& out_;
};

// What the status line says about a running trial's epoch: "trial 7: epoch 3/20 val_loss=0.43".
std::string describe(const RunningEpoch& e, const MetricGoal& metric, bool showBackend) {
  std::ostringstream line;
  line << "trial " << e.trial;
  if (showBackend) line << " (" << e.backend << ")";
  line << ": epoch " << e.epoch.epoch;
  if (e.epochs > 0) line << "/" << e.epochs;
  auto value = e.epoch.values.find(metric.name);
  if (value == e.epoch.values.end()) value = e.epoch.values.find("loss");
  if (value != e.epoch.values.end())
    line << " " << value->first << "=" << readableValue(value->second);
  return line.str();
}

// One line, redrawn for every finished trial and, at most ten times a second, for the epochs of
// running trials; a failed trial's line stays on screen above it.
class TerminalProgress final : public LineProgress {
 public:
  using LineProgress::LineProgress;
  void trialFinished(const FinishedTrial& trial, const MetricGoal& metric) override {
    const bool failed = trial.record.status == TrialStatus::Failed;
    out_ << "\r\033[K" << describe(trial, metric) << (failed ? "\n" : "") << std::flush;
    drawn_ = !failed;
    std::ostringstream counts;
    counts << "[" << trial.finished;
    if (trial.total) counts << "/" << *trial.total;
    counts << " done] ";
    counts_ = counts.str();
    best_ = trial.best ? " | best " + readableValue(*trial.best) + " (trial " +
                             std::to_string(trial.bestId) + ")"
                       : "";
    showBackend_ = trial.showBackend;
  }
  void epochDone(const RunningEpoch& epoch, const MetricGoal& metric) override {
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - lastEpochDrawn_ < std::chrono::milliseconds(100)) return;
    lastEpochDrawn_ = now;
    out_ << "\r\033[K" << counts_ << describe(epoch, metric, showBackend_) << best_ << std::flush;
    drawn_ = true;
  }
  void done() override {
    if (drawn_) out_ << "\n";
  }

 private:
  bool drawn_ = false;
  bool showBackend_ = false;
  std::string counts_;  // "[3/54 done] " after the first finished trial
  std::string best_;    // " | best 0.31 (trial 2)"
  std::chrono::steady_clock::time_point lastEpochDrawn_;
};

class QuietProgress final : public ProgressReporter {
 public:
  void resuming(int /*finishedEarlier*/, int /*runAgain*/, int /*fromCheckpoint*/) override {}
  void trialFinished(const FinishedTrial& /*trial*/, const MetricGoal& /*metric*/) override {}
  void done() override {}
};

}  // namespace

std::unique_ptr<ProgressReporter> makeProgressReporter(ProgressStyle style, std::ostream& out) {
  switch (style) {
    case ProgressStyle::Terminal:
      return std::make_unique<TerminalProgress>(out);
    case ProgressStyle::Lines:
      return std::make_unique<LineProgress>(out);
    case ProgressStyle::Quiet:
      return std::make_unique<QuietProgress>();
  }
  return std::make_unique<QuietProgress>();
}

}  // namespace tunelab
