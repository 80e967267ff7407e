#include "experiments/study/BackendChoice.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iomanip>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "experiments/files/AtomicFile.h"
#include "experiments/report/Units.h"

namespace tunelab {

namespace {

constexpr double kThreadsMustPay = 0.75;  // speed-up per thread below which cores go to trials
constexpr int kRounds = 3;                // each candidate timed at least this often, in turn
constexpr int kMaxRounds = 8;
// A busy machine inflates some timings at random: a candidate's fastest time counts only when
// another round came within this factor of it. Else the verdict holds for this run, uncached.
constexpr double kReproduced = 1.25;
constexpr const char* kUnsteady =
    "timings unsteady, the machine is busy: not cached, a new study measures again";

// One candidate's timings over the rounds.
class Samples {
 public:
  void add(double seconds) { seconds_.push_back(seconds); }
  double fastest() const { return *std::min_element(seconds_.begin(), seconds_.end()); }
  bool reproduced() const {
    if (seconds_.size() < 2) return false;
    std::vector<double> sorted = seconds_;
    std::partial_sort(sorted.begin(), sorted.begin() + 2, sorted.end());
    return sorted[1] <= kReproduced * sorted[0];
  }

 private:
  std::vector<double> seconds_;
};

// Times every configuration in turn, kRounds rounds and more (up to kMaxRounds) until each
// one's fastest time is reproduced. Returns whether it was.
bool measureRounds(std::vector<Samples>& samples, const std::function<double(std::size_t)>& once) {
  for (int round = 0; round < kMaxRounds; ++round) {
    for (std::size_t i = 0; i < samples.size(); ++i) samples[i].add(once(i));
    const bool steady = std::all_of(samples.begin(), samples.end(),
                                    [](const Samples& c) { return c.reproduced(); });
    if (steady && round + 1 >= kRounds) return true;
  }
  return false;
}

std::optional<std::filesystem::path> environmentPath(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read before threads
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::filesystem::path(value);
}

nlohmann::json readCache(const std::optional<std::filesystem::path>& file) {
  if (!file || !std::filesystem::exists(*file)) return nlohmann::json::object();
  std::ifstream in(*file);
  auto cache = nlohmann::json::parse(in, nullptr, false);
  return cache.is_object() ? cache : nlohmann::json::object();
}

// The cache is a convenience: a file that cannot be written costs one measurement next time.
void writeCache(const std::optional<std::filesystem::path>& file, const nlohmann::json& cache) {
  if (!file) return;
  try {
    std::filesystem::create_directories(file->parent_path());
    writeFileAtomically(*file, cache.dump(2) + "\n");
  } catch (const std::exception& e) {
    (void)e;  // not cached
  }
}

std::optional<BackendChoice> cachedChoice(const nlohmann::json& cache, const std::string& key,
                                          const std::vector<std::string>& candidates) {
  const auto entry = cache.find(key);
  if (entry == cache.end() || !entry->is_object() || !entry->contains("backend") ||
      !(*entry)["backend"].is_string()) {
    return std::nullopt;
  }
  BackendChoice choice{(*entry)["backend"].get<std::string>(), BackendChoice::Source::Cached, {}};
  if (std::find(candidates.begin(), candidates.end(), choice.backend) == candidates.end()) {
    return std::nullopt;
  }
  const nlohmann::json timings = entry->value("seconds_per_step", nlohmann::json::object());
  for (const auto& [backend, seconds] : timings.items()) {
    if (seconds.is_number()) choice.timings.push_back({backend, seconds.get<double>()});
  }
  std::stable_partition(choice.timings.begin(), choice.timings.end(),
                        [&](const BackendTiming& t) { return t.backend == choice.backend; });
  return choice;
}

std::string cpuName() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.starts_with("model name")) return line.substr(line.find(':') + 1);
  }
  return "unknown cpu";
}

std::string timesPerStep(const BackendTiming& fast, const BackendTiming& slow, int sideBySide) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << slow.secondsPerStep / fast.secondsPerStep
    << "x faster than " << slow.backend << " on this model";
  if (sideBySide > 1) s << " with " << sideBySide << " trials at once";
  s << ": " << readableSeconds(fast.secondsPerStep) << " vs "
    << readableSeconds(slow.secondsPerStep) << " per step";
  return s.str();
}

}  // namespace

std::optional<std::filesystem::path> choiceCacheFile() {
  auto dir = environmentPath("TUNELAB_CACHE_DIR");
  if (!dir) {
    if (auto xdg = environmentPath("XDG_CACHE_HOME")) dir = *xdg / "tunelab";
  }
  if (!dir) {
    if (auto home = environmentPath("HOME")) dir = *home / ".cache" / "tunelab";
  }
  if (!dir) return std::nullopt;
  return *dir / "backend-choice.json";
}

std::string machineKey(const std::vector<std::string>& descriptions) {
  const auto coreType = environmentPath("OPENBLAS_CORETYPE");
  std::ostringstream key;
  // "verdicts=2": entries cached before timings had to be reproduced are measured again.
  key << "verdicts=2; cpu=" << cpuName() << "; cores=" << std::thread::hardware_concurrency()
      << "; OPENBLAS_CORETYPE=" << (coreType ? coreType->string() : "");
  for (const auto& d : descriptions) key << "; " << d;
  return key.str();
}

BackendChoice chooseBackend(const std::vector<std::string>& candidates, const std::string& key,
                            const std::optional<std::filesystem::path>& cacheFile,
                            const MeasureStep& measure) {
  if (candidates.size() == 1) return {candidates.front(), BackendChoice::Source::OnlyOne, {}};
  nlohmann::json cache = readCache(cacheFile);
  if (auto cached = cachedChoice(cache, key, candidates)) return *cached;
  std::vector<Samples> samples(candidates.size());
  const bool steady =
      measureRounds(samples, [&](std::size_t i) { return measure(candidates[i], 1); });
  std::vector<BackendTiming> timings;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    timings.push_back({candidates[i], samples[i].fastest()});
  }
  std::stable_sort(timings.begin(), timings.end(), [](const auto& a, const auto& b) {
    return a.secondsPerStep < b.secondsPerStep;
  });
  nlohmann::json seconds = nlohmann::json::object();
  for (const auto& t : timings) seconds[t.backend] = t.secondsPerStep;
  if (steady) {
    cache[key] = {{"backend", timings.front().backend}, {"seconds_per_step", seconds}};
    writeCache(cacheFile, cache);
  }
  return {timings.front().backend, BackendChoice::Source::Measured, timings, steady};
}

std::string describeChoice(const BackendChoice& choice) {
  std::string why;
  switch (choice.source) {
    case BackendChoice::Source::Resumed:
      why = "picked when the study started; a resumed study keeps its backend";
      break;
    case BackendChoice::Source::OnlyOne:
      why = choice.backend == "reference"
                ? "no other backend is installed; the reference is the slow oracle"
                : "the only installed backend besides the reference oracle";
      break;
    case BackendChoice::Source::Measured:
    case BackendChoice::Source::Cached:
      why = choice.timings.size() >= 2
                ? timesPerStep(choice.timings[0], choice.timings[1], choice.sideBySide)
                : "the fastest measured";
      if (choice.source == BackendChoice::Source::Cached) why += "; cached verdict";
      if (!choice.steady) why += "; " + std::string(kUnsteady);
      break;
  }
  return "backend auto: " + choice.backend + " (" + why + ")";
}

ThreadsChoice chooseThreads(int threads, const std::string& backend, const std::string& key,
                            const std::optional<std::filesystem::path>& cacheFile,
                            const MeasureStep& measure) {
  if (threads <= 1) return {};
  const std::string entry = key + "; threads " + std::to_string(threads) + " on " + backend;
  const std::string many = std::to_string(threads);
  nlohmann::json cache = readCache(cacheFile);
  if (auto it = cache.find(entry); it != cache.end() && it->is_object() &&
                                   it->contains("threads") &&
                                   (*it)["threads"].is_number_integer()) {
    const nlohmann::json seconds = it->value("seconds_per_step", nlohmann::json::object());
    return {std::clamp((*it)["threads"].get<int>(), 1, threads), threads, seconds.value("1", 0.0),
            seconds.value(many, 0.0), true};
  }
  std::vector<Samples> samples(2);
  const bool steady =
      measureRounds(samples, [&](std::size_t i) { return measure(backend, i == 0 ? 1 : threads); });
  ThreadsChoice choice{1, threads, samples[0].fastest(), samples[1].fastest(), false, steady};
  // Unsteady timings cannot show that the threads pay: one thread never runs slower than that.
  if (steady && choice.oneThread >= kThreadsMustPay * threads * choice.triedThreads) {
    choice.threads = threads;
  }
  if (steady) {
    cache[entry] = {{"threads", choice.threads},
                    {"seconds_per_step", {{"1", choice.oneThread}, {many, choice.triedThreads}}}};
    writeCache(cacheFile, cache);
  }
  return choice;
}

std::string describeThreads(const ThreadsChoice& choice) {
  if (choice.tried <= 1 || choice.oneThread <= 0 || choice.triedThreads <= 0) return "";
  const double speedUp = choice.oneThread / choice.triedThreads;
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << "threads per trial auto: " << choice.threads << " ("
    << choice.tried << " threads: ";
  if (speedUp >= 1) {
    s << speedUp << "x faster per step than 1, ";
  } else {
    s << 1 / speedUp << "x slower per step than 1, ";
  }
  if (!choice.steady) {
    s << "unproven, so one thread";
  } else {
    s << (choice.threads > 1 ? "at least" : "below") << " the " << kThreadsMustPay * choice.tried
      << "x faster that pays for the cores";
  }
  s << ": " << readableSeconds(choice.triedThreads) << " vs " << readableSeconds(choice.oneThread)
    << (choice.cached ? "; cached verdict" : "")
    << (choice.steady ? "" : std::string("; ") + kUnsteady) << ")";
  return s.str();
}

}  // namespace tunelab
