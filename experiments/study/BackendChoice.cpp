#include "experiments/study/BackendChoice.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
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
constexpr int kRounds = 3;  // each candidate timed this often, in turn; the fastest time kept

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

std::string timesPerStep(const BackendTiming& fast, const BackendTiming& slow) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << slow.secondsPerStep / fast.secondsPerStep
    << "x faster than " << slow.backend
    << " on this model: " << readableSeconds(fast.secondsPerStep) << " vs "
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
  key << "cpu=" << cpuName() << "; cores=" << std::thread::hardware_concurrency()
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
  std::vector<BackendTiming> timings;
  for (const auto& c : candidates) timings.push_back({c, std::numeric_limits<double>::infinity()});
  for (int round = 0; round < kRounds; ++round) {
    for (auto& t : timings) t.secondsPerStep = std::min(t.secondsPerStep, measure(t.backend, 1));
  }
  std::stable_sort(timings.begin(), timings.end(), [](const auto& a, const auto& b) {
    return a.secondsPerStep < b.secondsPerStep;
  });
  nlohmann::json seconds = nlohmann::json::object();
  for (const auto& t : timings) seconds[t.backend] = t.secondsPerStep;
  cache[key] = {{"backend", timings.front().backend}, {"seconds_per_step", seconds}};
  writeCache(cacheFile, cache);
  return {timings.front().backend, BackendChoice::Source::Measured, timings};
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
      why = choice.timings.size() >= 2 ? timesPerStep(choice.timings[0], choice.timings[1])
                                       : "the fastest measured";
      if (choice.source == BackendChoice::Source::Cached) why += "; cached verdict";
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
  ThreadsChoice choice{1, threads, std::numeric_limits<double>::infinity(),
                       std::numeric_limits<double>::infinity(), false};
  for (int round = 0; round < kRounds; ++round) {
    choice.oneThread = std::min(choice.oneThread, measure(backend, 1));
    choice.triedThreads = std::min(choice.triedThreads, measure(backend, threads));
  }
  if (choice.oneThread >= kThreadsMustPay * threads * choice.triedThreads) choice.threads = threads;
  cache[entry] = {{"threads", choice.threads},
                  {"seconds_per_step", {{"1", choice.oneThread}, {many, choice.triedThreads}}}};
  writeCache(cacheFile, cache);
  return choice;
}

std::string describeThreads(const ThreadsChoice& choice) {
  if (choice.tried <= 1 || choice.oneThread <= 0 || choice.triedThreads <= 0) return "";
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << "threads per trial auto: " << choice.threads << " ("
    << choice.tried << " threads: " << choice.oneThread / choice.triedThreads
    << "x faster per step than 1, " << (choice.threads > 1 ? "at least" : "below") << " the "
    << kThreadsMustPay * choice.tried
    << "x that pays for the cores: " << readableSeconds(choice.triedThreads) << " vs "
    << readableSeconds(choice.oneThread) << (choice.cached ? "; cached verdict)" : ")");
  return s.str();
}

}  // namespace tunelab
