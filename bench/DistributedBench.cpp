// The coordinator's throughput under MPI: a random search of trials that do no work, rank 0
// coordinating (strategy, store with durable group commits) and every other rank executing.
// A trial counts once its result is committed to the study database on disk.
//   mpirun -np 9 --oversubscribe build/release/bin/tunelab_bench_distributed
//     [--trials 20000] [--parallel 4] [--dir DIR]   (options after the program's name)
// Prints one JSON object: trials, seconds, trials per second, and what each rank's
// communication thread cost (CPU seconds over wall seconds).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <string>

#include "bench/TrivialStudy.h"
#include "experiments/distributed/Cluster.h"
#include "experiments/store/StudyStore.h"
#include "experiments/study/StudyRunner.h"
#include "search/strategies/random/RandomStrategy.h"

namespace tunelab::bench {
namespace {

struct Options {
  std::size_t trials = 20000;
  int parallel = 4;  // trials at once per executor rank
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "tunelab-mpi-bench";
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--trials") == 0) o.trials = std::strtoul(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--parallel") == 0) o.parallel = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--dir") == 0) o.dir = argv[i + 1];
  }
  return o;
}

int coordinate(Cluster& cluster, const Options& o) {
  std::filesystem::remove_all(o.dir);
  std::filesystem::create_directories(o.dir);
  const auto db = o.dir / "study.db";
  const StudySpec spec = trivialStudy(db, o.trials);
  StudyStore store(db);
  store.openStudy(spec.name, "bench", spec.space.fingerprint(), "bench", false);
  RandomStrategy strategy({&spec.space, nlohmann::json::object(), 7, spec.maxTrials, 1});
  std::ostream silent(nullptr);
  const auto progress = makeProgressReporter(ProgressStyle::Lines, silent);
  auto executor = cluster.coordinate(false);
  const int capacity = executor->capacity();
  const auto start = std::chrono::steady_clock::now();
  StudyRunner runner(spec, store, strategy, nullptr, *executor, 1, *progress);
  const std::atomic<bool> stop{false};
  const RunSummary summary = runner.run(stop);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  executor.reset();
  std::size_t complete = 0;
  for (const auto& t : store.trials()) complete += t.status == TrialStatus::Complete ? 1 : 0;
  std::printf("{\"ranks\": %d, \"capacity\": %d, \"trials\": %zu, \"stored_complete\": %zu, ",
              cluster.size(), capacity, o.trials, complete);
  std::printf("\"seconds\": %.3f, \"trials_per_second\": %.0f, \"ran\": %d, \"costs\": [", seconds,
              static_cast<double>(complete) / seconds, summary.trialsRun);
  const char* separator = "";
  for (const auto& c : cluster.communicationCost()) {
    std::printf("%s{\"rank\": %d, \"cpu_seconds\": %.3f, \"wall_seconds\": %.3f}", separator,
                c.rank, c.cpuSeconds, c.wallSeconds);
    separator = ", ";
  }
  std::printf("]}\n");
  std::filesystem::remove_all(o.dir);
  return complete == o.trials ? 0 : 1;
}

}  // namespace
}  // namespace tunelab::bench

int main(int argc, char** argv) {
  using namespace tunelab;
  const bench::Options options = bench::parse(argc, argv);
  const auto cluster = Cluster::join();
  if (!cluster) {
    std::fprintf(stderr, "run it under mpirun with 2 ranks or more\n");
    return 2;
  }
  const bench::TrivialObjective objective;
  if (cluster->rank() > 0) return cluster->execute(&objective, options.parallel, 1, "");
  return bench::coordinate(*cluster, options);
}
