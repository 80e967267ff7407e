// The study runner's own cost: scheduling and storage per trial, measured with an objective
// that does no work (one epoch, value computed from the parameters), over 1,000 trials of a
// random search on 2 parallel workers with the study database on disk; and resident memory
// after 100 trials and after 1,000.
//   build/release/bin/tunelab_bench_runner [--repeats 5] [--dir DIR]
// Prints JSON: per repeat and the medians.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/TrivialStudy.h"
#include "experiments/store/StudyStore.h"
#include "experiments/study/LocalExecutor.h"
#include "experiments/study/StudyRunner.h"
#include "search/strategies/random/RandomStrategy.h"

namespace tunelab::bench {
namespace {

using Clock = std::chrono::steady_clock;

long residentKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Sample {
  double msPerTrial100 = 0;  // the first 100 trials
  double msPerTrial = 0;     // trials 101..1000
  long rss100 = 0;
  long rss1000 = 0;
};

// Runs the study up to `trials` (resuming what the store holds); returns the seconds it took.
double runUpTo(const std::filesystem::path& db, std::size_t trials) {
  const StudySpec spec = trivialStudy(db, trials);
  StudyStore store(db);
  store.openStudy(spec.name, "bench", spec.space.fingerprint(), "bench", false);
  RandomStrategy strategy({&spec.space, nlohmann::json::object(), 7, spec.maxTrials, 1});
  const TrivialObjective objective;
  std::ostringstream out;
  const auto progress = makeProgressReporter(ProgressStyle::Lines, out);
  LocalExecutor executor(objective, 2);
  StudyRunner runner(spec, store, strategy, nullptr, executor, 1, *progress);
  const std::atomic<bool> stop{false};
  const auto start = Clock::now();
  const RunSummary summary = runner.run(stop);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (summary.trialsRun + summary.trialsSkipped != static_cast<int>(trials)) {
    std::fprintf(stderr, "expected %zu trials, ran %d\n", trials, summary.trialsRun);
    std::exit(1);
  }
  return seconds;
}

}  // namespace
}  // namespace tunelab::bench

int main(int argc, char** argv) {
  using namespace tunelab::bench;
  int repeats = 5;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "tunelab-runner-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--repeats") == 0) repeats = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
  }
  std::vector<Sample> samples;
  std::printf("{\n  \"store_dir\": \"%s\",\n  \"repeats\": [\n", dir.c_str());
  for (int r = 0; r < repeats; ++r) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto db = dir / "study.db";
    Sample s;
    s.msPerTrial100 = 1e3 * runUpTo(db, 100) / 100;
    s.rss100 = residentKiB();
    s.msPerTrial = 1e3 * runUpTo(db, 1000) / 900;
    s.rss1000 = residentKiB();
    samples.push_back(s);
    std::printf(
        "    {\"ms_per_trial_first_100\": %.3f, \"ms_per_trial_101_to_1000\": %.3f, "
        "\"rss_kib_after_100\": %ld, \"rss_kib_after_1000\": %ld}%s\n",
        s.msPerTrial100, s.msPerTrial, s.rss100, s.rss1000, r + 1 < repeats ? "," : "");
  }
  std::vector<double> perTrial;
  std::vector<double> growth;
  for (const auto& s : samples) {
    perTrial.push_back(s.msPerTrial);
    growth.push_back(100.0 * static_cast<double>(s.rss1000 - s.rss100) /
                     static_cast<double>(s.rss100));
  }
  std::printf(
      "  ],\n  \"median_ms_per_trial\": %.3f,\n  \"median_rss_growth_percent\": %.2f,\n"
      "  \"first_repeat_rss_growth_percent\": %.2f\n}\n",
      median(perTrial), median(growth), growth.front());
  std::filesystem::remove_all(dir);
  return 0;
}
