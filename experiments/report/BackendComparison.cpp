#include "experiments/report/BackendComparison.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/Error.h"

namespace tunelab {

namespace {

// The q-quantile of sorted values, interpolated between neighbours.
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const double at = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(at));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (at - static_cast<double>(below)) * (sorted[above] - sorted[below]);
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

void addTrial(BackendStats& stats, const TrialRecord& t, const MetricGoal& metric) {
  ++stats.trials;
  if (t.threads > 0) {
    stats.minThreads = stats.minThreads == 0 ? t.threads : std::min(stats.minThreads, t.threads);
    stats.maxThreads = std::max(stats.maxThreads, t.threads);
  }
  stats.largestTrialKiB = std::max(stats.largestTrialKiB, t.peakMemoryKiB);
  if (t.status == TrialStatus::Complete && t.value &&
      (!stats.best || metric.better(*t.value, stats.bestValue))) {
    stats.best = t.id;
    stats.bestValue = *t.value;
  }
}

BackendStats statsOf(const std::string& backend, const std::vector<TrialRecord>& trials,
                     StudyStore& store, const MetricGoal& metric) {
  BackendStats stats;
  stats.backend = backend;
  std::vector<double> epochSeconds;
  for (const auto& t : trials) {
    if (t.backend != backend || t.status == TrialStatus::Running) continue;
    addTrial(stats, t, metric);
    for (const auto& e : store.epochs(t.id, t.backend)) {
      epochSeconds.push_back(e.seconds);
      stats.trainingSeconds[t.id] += e.seconds;
    }
  }
  std::sort(epochSeconds.begin(), epochSeconds.end());
  stats.medianEpoch = quantile(epochSeconds, 0.5);
  stats.lowerQuartile = quantile(epochSeconds, 0.25);
  stats.upperQuartile = quantile(epochSeconds, 0.75);
  return stats;
}

std::optional<double> finalValLoss(const TrialRecord& t) {
  if (t.status != TrialStatus::Complete) return std::nullopt;
  const auto it = t.finalValues.find("val_loss");
  if (it == t.finalValues.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

// The largest |val_loss - baseline's| of each backend on the trials both completed.
void compareValLoss(BackendComparison& c, const std::vector<TrialRecord>& trials) {
  std::map<std::pair<TrialId, std::string>, double> losses;
  for (const auto& t : trials) {
    if (auto loss = finalValLoss(t)) losses[{t.id, t.backend}] = *loss;
  }
  for (auto& stats : c.backends) {
    if (stats.backend == c.baseline) continue;
    for (const auto& [key, loss] : losses) {
      if (key.second != stats.backend) continue;
      const auto base = losses.find({key.first, c.baseline});
      if (base == losses.end()) continue;
      const double difference = std::abs(loss - base->second);
      stats.maxValLossDifference = std::max(stats.maxValLossDifference.value_or(0), difference);
      const double relative = difference / std::max(std::abs(base->second), 1e-12);
      if (!c.maxRelativeDifference || relative > *c.maxRelativeDifference) {
        c.maxRelativeDifference = relative;
        c.mostDifferent = {stats.backend, key.first, difference, base->second};
      }
    }
  }
}

// Paired: the same trials (same model, seed and epochs) on both backends.
void compareSpeed(BackendComparison& c) {
  const BackendStats& base = c.backends.front();
  for (auto& stats : c.backends) {
    double mine = 0;
    double theirs = 0;
    for (const auto& [id, seconds] : stats.trainingSeconds) {
      if (auto it = base.trainingSeconds.find(id); it != base.trainingSeconds.end()) {
        mine += seconds;
        theirs += it->second;
      }
    }
    if (mine > 0 && theirs > 0) stats.speedUp = theirs / mine;
  }
}

}  // namespace

BackendComparison compareBackends(const StudySpec& spec, StudyStore& store) {
  const auto trials = store.trials();
  BackendComparison c;
  for (const auto& backend : backendsRun(spec, trials)) {
    c.backends.push_back(statsOf(backend, trials, store, spec.metric));
  }
  if (c.backends.empty()) throw Error("the study has no trials yet");
  const auto reference = std::find_if(c.backends.begin(), c.backends.end(),
                                      [](const auto& b) { return b.backend == "reference"; });
  auto epochTime = [](const BackendStats& b) {  // no epochs: never the slowest
    return std::isnan(b.medianEpoch) ? -std::numeric_limits<double>::infinity() : b.medianEpoch;
  };
  const auto slowest =
      std::max_element(c.backends.begin(), c.backends.end(),
                       [&](const auto& a, const auto& b) { return epochTime(a) < epochTime(b); });
  c.baseline = (reference != c.backends.end() ? reference : slowest)->backend;
  std::stable_partition(c.backends.begin(), c.backends.end(),
                        [&](const auto& b) { return b.backend == c.baseline; });
  compareValLoss(c, trials);
  compareSpeed(c);
  return c;
}

}  // namespace tunelab
