// The search benchmark: tunelab's strategies on the problems of bench/search/ (shifted test
// functions in 2-10 dimensions, mixed and conditional spaces, two real tasks), the best value
// after 25, 50 and 100 trials per seed as JSON lines; bench/search_table.py turns them and
// bench/optuna_peer.py's into the table of bench/RESULTS.md.
//   tunelab_bench_search [--seeds 20] [--quick] [--problems a,b] [--strategies random,gp,tpe]
//                        [--trials 100]                     run strategies, one line per seed
//   tunelab_bench_search --list                            the problems and their spaces
//   tunelab_bench_search --serve                           evaluate {"problem", "params"} lines
//   tunelab_bench_search --evaluate FILE name value ...    train one point (the command task)
//   tunelab_bench_search --latency                         one GP ask at 50/200/500 points
// A strategy is a plugin name, or label=name:{options}, e.g. gp-lag1=gp:{"lag":1}.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "bench/search/SearchProblems.h"
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

void askLatency(int observations);

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
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    if (arg == "--seeds" && hasValue) seeds = std::atoi(argv[++i]);
    if (arg == "--trials" && hasValue) trials = static_cast<std::size_t>(std::atoi(argv[++i]));
    if (arg == "--problems" && hasValue) only = splitList(argv[++i]);
    if (arg == "--strategies" && hasValue) strategies = splitList(argv[++i]);
    if (arg == "--quick") seeds = 5;
    if (arg == "--list" || arg == "--serve" || arg == "--latency") mode = arg.substr(2);
  }
  if (mode == "latency") {
    for (int n : {50, 200, 500}) askLatency(n);
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

// One GP ask (hyperparameter refit included) with `observations` results of Hartmann-6 known.
void askLatency(int observations) {
  SearchProblem hartmann;
  for (auto& p : syntheticProblems()) {
    if (p.name == "hartmann-6") hartmann = p;
  }
  const SearchSpace space = SearchSpace::parse(hartmann.parameters, hartmann.order);
  std::vector<double> times;
  for (int repeat = 0; repeat < 5; ++repeat) {
    const std::size_t limit = static_cast<std::size_t>(observations) + 1;
    GpStrategy gp(
        {&space, json{{"initial_trials", observations}}, std::uint64_t(repeat) + 1, limit, 1});
    for (int i = 0; i < observations; ++i) {
      const TrialSpec t = gp.ask(1).trials.at(0);
      gp.tell({t.id, TrialOutcome::State::Complete, hartmann.evaluate(t.params), 1});
    }
    const auto start = std::chrono::steady_clock::now();
    if (gp.ask(1).trials.size() != 1) {
      std::fprintf(stderr, "the GP proposed nothing at %d observations\n", observations);
      std::exit(1);
    }
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  std::printf("{\"gp_ask_ms\": %.2f, \"observations\": %d, \"dimensions\": 6}\n",
              times[times.size() / 2] * 1e3, observations);
  std::fflush(stdout);
}

}  // namespace
}  // namespace tunelab::bench
