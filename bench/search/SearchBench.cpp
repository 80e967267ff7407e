// The search benchmark: tunelab's strategies on the problems of bench/search/ (shifted test
// functions in 2-10 dimensions, mixed and conditional spaces, two real tasks), the best value
// after 25, 50 and 100 trials per seed as JSON lines; bench/search_table.py turns them and
// bench/optuna_peer.py's into the table of bench/RESULTS.md.
//   tunelab_bench_search [--seeds 20] [--quick] [--problems a,b] [--strategies random,gp,tpe]
//                        [--trials 100]                     run strategies, one line per seed
//   tunelab_bench_search --list                            the problems and their spaces
//   tunelab_bench_search --serve                           evaluate {"problem", "params"} lines
//   tunelab_bench_search --evaluate FILE name value ...    train one point (the command task)
//   tunelab_bench_search --latency [--observations 50,200,500] [--no-peer]
//                                                          GP asks from 50/200/500 results on,
//                                                          beside scikit-learn's fit + predict
// A strategy is a plugin name, or label=name:{options}, e.g. gp-lag1=gp:{"lag":1}.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "bench/search/SearchProblems.h"
#include "core/Rng.h"
#include "search/TrialDiagnostics.h"
#include "search/strategies/gp/GpStrategy.h"
#include "search/strategies/random/RandomStrategy.h"
#include "search/strategies/tpe/TpeStrategy.h"

namespace tunelab::bench {
namespace {

using nlohmann::json;

struct StrategyChoice {
  std::string label;
  std::string plugin;
  json options = json::object();
};

StrategyChoice parseStrategy(const std::string& text) {
  StrategyChoice c;
  const auto eq = text.find('=');
  c.label = text.substr(0, eq);
  const std::string rest = eq == std::string::npos ? text : text.substr(eq + 1);
  const auto colon = rest.find(':');
  c.plugin = rest.substr(0, colon);
  if (colon != std::string::npos) c.options = json::parse(rest.substr(colon + 1));
  return c;
}

std::unique_ptr<Strategy> makeStrategy(const StrategyChoice& choice, const SearchSpace& space,
                                       std::uint64_t seed, std::size_t trials) {
  const StrategyContext context{&space, choice.options, seed, trials, 1};
  if (choice.plugin == "gp") return std::make_unique<GpStrategy>(context);
  if (choice.plugin == "tpe") return std::make_unique<TpeStrategy>(context);
  if (choice.plugin == "random") return std::make_unique<RandomStrategy>(context);
  throw std::runtime_error("unknown strategy " + choice.plugin);
}

// One study of `trials` trials, one at a time; prints the best value after 25, 50 and 100.
void runStudy(const SearchProblem& problem, const SearchSpace& space, const StrategyChoice& choice,
              int seed, std::size_t trials) {
  auto strategy = makeStrategy(choice, space, static_cast<std::uint64_t>(seed) + 1, trials);
  double best = std::numeric_limits<double>::infinity();
  json bestAt = json::object();
  std::vector<json> points;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t trial = 1; trial <= trials; ++trial) {
    AskResult r = strategy->ask(1);
    if (r.kind != AskResult::Kind::Ready) break;
    const double v = problem.evaluate(r.trials[0].params);
    best = std::min(best, v);
    points.push_back(r.trials[0].params);
    strategy->tell({r.trials[0].id, TrialOutcome::State::Complete, v, 1});
    if (trial == 25 || trial == 50 || trial == 100) bestAt[std::to_string(trial)] = best;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  json line{{"problem", problem.name},
            {"strategy", "tunelab-" + choice.label},
            {"seed", seed},
            {"best", bestAt},
            {"seconds", seconds},
            {"diagnostics", diagnoseTrials(space, points).toJson()}};
  std::cout << line.dump() << std::endl;
}

std::vector<SearchProblem> allProblems(const char* argv0) {
  std::vector<SearchProblem> problems = syntheticProblems();
  const std::filesystem::path self = std::filesystem::canonical("/proc/self/exe");
  (void)argv0;
  for (auto& task : realTasks({TUNELAB_SOURCE_DIR, self})) problems.push_back(std::move(task));
  return problems;
}

// Splits at the commas outside braces (a strategy's options are JSON).
std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out(1);
  int depth = 0;
  for (char c : text) {
    depth += c == '{' ? 1 : c == '}' ? -1 : 0;
    if (c == ',' && depth == 0) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  std::erase(out, std::string());
  return out;
}

void list(const std::vector<SearchProblem>& problems) {
  for (const auto& p : problems) {
    json parameters = json::array();
    for (const auto& name : p.order) parameters.push_back({name, p.parameters.at(name)});
    json line{{"name", p.name}, {"kind", p.kind}, {"parameters", parameters}};
    line["minimum"] = p.minimum ? json(*p.minimum) : json(nullptr);
    std::cout << line.dump() << "\n";
  }
  std::cout << std::flush;
}

void serve(const std::vector<SearchProblem>& problems) {
  std::string text;
  while (std::getline(std::cin, text)) {
    const json request = json::parse(text);
    const std::string name = request.at("problem").get<std::string>();
    const auto it = std::find_if(problems.begin(), problems.end(),
                                 [&](const SearchProblem& p) { return p.name == name; });
    const double value = it->evaluate(request.at("params"));
    std::cout << json{{"value", std::isfinite(value) ? json(value) : json(nullptr)}}.dump()
              << std::endl;
  }
}

// The external command of the command task: name value pairs, values read as JSON when they
// parse (numbers, true/false), as strings otherwise.
int evaluate(int argc, char** argv) {
  json params = json::object();
  for (int i = 3; i + 1 < argc; i += 2) {
    const json value = json::parse(argv[i + 1], nullptr, false);
    params[argv[i]] = value.is_discarded() ? json(argv[i + 1]) : value;
  }
  const double value = trainExperimentPoint(argv[2], params);
  std::cout << json{{"val_loss", std::isfinite(value) ? json(value) : json(nullptr)}}.dump()
            << std::endl;
  return std::isfinite(value) ? 0 : 1;
}

void askLatency(int observations, bool withPeer);

}  // namespace
}  // namespace tunelab::bench

int main(int argc, char** argv) {
  using namespace tunelab::bench;
  if (argc >= 3 && std::strcmp(argv[1], "--evaluate") == 0) return evaluate(argc, argv);
  int seeds = 20;
  std::size_t trials = 100;
  std::vector<std::string> only;
  std::vector<std::string> strategies{"random", "gp", "tpe"};
  std::string mode = "run";
  bool withPeer = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    if (arg == "--seeds" && hasValue) seeds = std::atoi(argv[++i]);
    if (arg == "--trials" && hasValue) trials = static_cast<std::size_t>(std::atoi(argv[++i]));
    if ((arg == "--problems" || arg == "--observations") && hasValue) only = splitList(argv[++i]);
    if (arg == "--strategies" && hasValue) strategies = splitList(argv[++i]);
    if (arg == "--quick") seeds = 5;
    if (arg == "--no-peer") withPeer = false;
    if (arg == "--list" || arg == "--serve" || arg == "--latency") mode = arg.substr(2);
  }
  if (mode == "latency") {
    for (const auto& n : only.empty() ? std::vector<std::string>{"50", "200", "500"} : only)
      askLatency(std::stoi(n), withPeer);
    return 0;
  }
  const auto problems = allProblems(argv[0]);
  if (mode == "list") list(problems);
  if (mode == "serve") serve(problems);
  if (mode != "run") return 0;
  for (const auto& problem : problems) {
    if (!only.empty() && std::find(only.begin(), only.end(), problem.name) == only.end()) continue;
    const tunelab::SearchSpace space =
        tunelab::SearchSpace::parse(problem.parameters, problem.order);
    for (const auto& text : strategies) {
      const StrategyChoice choice = parseStrategy(text);
      for (int seed = 0; seed < seeds; ++seed) runStudy(problem, space, choice, seed, trials);
    }
  }
  return 0;
}

namespace tunelab::bench {
namespace {

// The data of a GP's next ask, as bench/search/sklearn_gp_peer.py reads it: the encoded points
// and results the model is fitted to, and `candidates` random points of the cube to score.
json askData(const GpStrategy& gp, int candidates, std::uint64_t seed) {
  const json state = gp.saveState();
  json x = json::array();
  for (const auto& p : state.at("points")) x.push_back(p.at("x"));
  json y = json::array();
  for (const auto& r : state.at("results")) y.push_back(r.at("y"));
  Rng rng(seed);
  json points = json::array();
  for (int i = 0; i < candidates; ++i) {
    json u = json::array();
    for (std::size_t d = 0; d < x.at(0).size(); ++d) u.push_back(rng.uniformDouble());
    points.push_back(u);
  }
  return {{"x", x}, {"y", y}, {"candidates", points}};
}

struct PeerTimes {
  double wallMs = std::numeric_limits<double>::quiet_NaN();
  double cpuMs = std::numeric_limits<double>::quiet_NaN();
};

// scikit-learn's GaussianProcessRegressor fit + predict on `data` (medians of its repeats, ms,
// on one BLAS thread), or NaN when /usr/bin/python3 lacks it.
PeerTimes sklearnFitPredict(const json& data) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("tunelab_gp_ask_" + std::to_string(getpid()));
  std::ofstream(file) << data.dump();
  const std::string command =
      std::string("OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 ") +
      TUNELAB_SOURCE_DIR + "/bench/search/sklearn_gp_peer.py " + file.string() + " 2>&1";
  std::string output;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    pclose(pipe);
  }
  std::filesystem::remove(file);
  const json line = json::parse(output, nullptr, false);
  if (line.is_discarded() || !line.contains("sklearn_gp_fit_predict_ms")) {
    std::fprintf(stderr, "scikit-learn's GP did not run: %s\n", output.c_str());
    return {};
  }
  return {line.at("sklearn_gp_fit_predict_ms").get<double>(),
          line.at("sklearn_gp_fit_predict_cpu_ms").get<double>()};
}

// CPU time of this thread: the machine may be shared, and wall time then counts others' work.
double threadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// GP asks on Hartmann-6 (6-D) from `observations` results on: a study whose Halton design gave
// that many, then max(5, observations / 10) asks in a row, each told its result before the
// next. The first ask fits the hyperparameters from the defaults (no warm start); the next
// refit is due at 10% more results, so the asks after it take in one result each with the
// same hyperparameters. Per repeat: the median ask, the mean over the window (the refit
// amortised as a study pays it) and the first ask; the medians of these over 5 repeats,
// beside scikit-learn's GaussianProcessRegressor fit + predict (1024 candidates) on the same
// data, run by bench/search/sklearn_gp_peer.py in this run.
void askLatency(int observations, bool withPeer) {
  SearchProblem hartmann;
  for (auto& p : syntheticProblems()) {
    if (p.name == "hartmann-6") hartmann = p;
  }
  const SearchSpace space = SearchSpace::parse(hartmann.parameters, hartmann.order);
  const int window = std::max(5, observations / 10);
  std::vector<double> medians;
  std::vector<double> means;
  std::vector<double> firsts;
  std::vector<double> cpuMeans;
  PeerTimes sklearn;
  for (int repeat = 0; repeat < 5; ++repeat) {
    const std::size_t limit =
        static_cast<std::size_t>(observations) + static_cast<std::size_t>(window);
    GpStrategy gp(
        {&space, json{{"initial_trials", observations}}, std::uint64_t(repeat) + 1, limit, 1});
    for (int i = 0; i < observations; ++i) {
      const TrialSpec t = gp.ask(1).trials.at(0);
      gp.tell({t.id, TrialOutcome::State::Complete, hartmann.evaluate(t.params), 1});
    }
    if (repeat == 0 && withPeer) sklearn = sklearnFitPredict(askData(gp, 1024, 7));
    std::vector<double> times;
    double cpuMs = 0.0;
    for (int i = 0; i < window; ++i) {
      const double cpuStart = threadCpuMs();
      const auto start = std::chrono::steady_clock::now();
      const AskResult r = gp.ask(1);
      times.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() * 1e3);
      cpuMs += threadCpuMs() - cpuStart;
      if (r.trials.size() != 1) {
        std::fprintf(stderr, "the GP proposed nothing at %d observations\n", observations + i);
        std::exit(1);
      }
      const TrialSpec& t = r.trials[0];
      gp.tell({t.id, TrialOutcome::State::Complete, hartmann.evaluate(t.params), 1});
    }
    firsts.push_back(times.front());
    means.push_back(std::accumulate(times.begin(), times.end(), 0.0) / double(window));
    medians.push_back(median(times));
    cpuMeans.push_back(cpuMs / double(window));
  }
  const json line{{"observations", observations},
                  {"dimensions", 6},
                  {"asks", window},
                  {"gp_ask_median_ms", median(medians)},
                  {"gp_ask_mean_ms", median(means)},
                  {"gp_first_ask_ms", median(firsts)},
                  {"gp_ask_mean_cpu_ms", median(cpuMeans)},
                  {"sklearn_fit_predict_ms", sklearn.wallMs},
                  {"sklearn_fit_predict_cpu_ms", sklearn.cpuMs},
                  {"sklearn_over_gp_mean", sklearn.wallMs / median(means)},
                  {"sklearn_over_gp_first", sklearn.wallMs / median(firsts)},
                  {"sklearn_cpu_over_gp_mean_cpu", sklearn.cpuMs / median(cpuMeans)}};
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
}

}  // namespace
}  // namespace tunelab::bench
