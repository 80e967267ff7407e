// Search strategies on Branin (2-D) and Hartmann-6 (6-D): median simple regret over 20 seeds
// after 25, 50 and 100 trials, and the latency of one GP ask (hyperparameter refit included)
// at 50, 200 and 500 observations in 6-D.
//   build/release/bin/tunelab_bench_search [--seeds 20]
// The peers (Optuna TPE and random, scikit-learn's GP) run in bench/optuna_peer.py.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "search/strategies/gp/GpStrategy.h"
#include "search/strategies/random/RandomStrategy.h"

namespace tunelab::bench {
namespace {

using nlohmann::json;

struct TestFunction {
  std::string name;
  SearchSpace space;
  std::function<double(const json&)> f;
  double minimum;
};

// "x1", "x2", ...; built by appending (GCC 12 -Wrestrict misfires on "x" + to_string at -O3).
std::string parameterName(std::size_t i) {
  std::string name = "x";
  name.append(std::to_string(i + 1));
  return name;
}

double branin(const json& p) {
  const double x1 = p["x1"].get<double>();
  const double x2 = p["x2"].get<double>();
  const double b = 5.1 / (4 * M_PI * M_PI);
  const double c = 5 / M_PI;
  const double t = 1 / (8 * M_PI);
  return std::pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * std::cos(x1) + 10;
}

double hartmann6(const json& p) {
  static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
  static const double a[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                 {0.05, 10, 17, 0.1, 8, 14},
                                 {3, 3.5, 1.7, 10, 17, 8},
                                 {17, 8, 0.05, 10, 0.1, 14}};
  static const double pm[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                  {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                  {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                  {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
  double sum = 0;
  for (int i = 0; i < 4; ++i) {
    double inner = 0;
    for (int j = 0; j < 6; ++j) {
      const double x = p[parameterName(static_cast<std::size_t>(j))].get<double>();
      inner += a[i][j] * (x - pm[i][j]) * (x - pm[i][j]);
    }
    sum += alpha[i] * std::exp(-inner);
  }
  return -sum;
}

SearchSpace box(const std::vector<std::pair<double, double>>& bounds) {
  json parameters = json::object();
  std::vector<std::string> order;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    const std::string name = parameterName(i);
    parameters[name] = {
        {"min", bounds[i].first}, {"max", bounds[i].second}, {"distribution", "uniform"}};
    order.push_back(name);
  }
  return SearchSpace::parse(parameters, order);
}

std::unique_ptr<Strategy> make(const std::string& name, const SearchSpace& space,
                               std::uint64_t seed) {
  // gp as a study runs it (lag 1: the same trials for any number run at once), and gp-lag0,
  // which sees every result before the next ask (for studies that run one trial at a time).
  const json options = name == "gp-lag0" ? json{{"lag", 0}} : json::object();
  const StrategyContext context{&space, options, seed, 100, 1};
  if (name.rfind("gp", 0) == 0) return std::make_unique<GpStrategy>(context);
  return std::make_unique<RandomStrategy>(context);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void regrets(const TestFunction& fn, int seeds) {
  for (const std::string strategy : {"random", "gp", "gp-lag0"}) {
    std::array<std::vector<double>, 3> at;
    for (int seed = 0; seed < seeds; ++seed) {
      auto s = make(strategy, fn.space, static_cast<std::uint64_t>(seed) + 1);
      double best = 1e300;
      for (int trial = 1; trial <= 100; ++trial) {
        AskResult r = s->ask(1);
        if (r.kind != AskResult::Kind::Ready) break;
        const double v = fn.f(r.trials[0].params);
        best = std::min(best, v);
        s->tell({r.trials[0].id, TrialOutcome::State::Complete, v, 1});
        if (trial == 25) at[0].push_back(best - fn.minimum);
        if (trial == 50) at[1].push_back(best - fn.minimum);
        if (trial == 100) at[2].push_back(best - fn.minimum);
      }
    }
    std::printf(
        "{\"function\": \"%s\", \"strategy\": \"tunelab-%s\", \"seeds\": %d, "
        "\"regret25\": %.6g, \"regret50\": %.6g, \"regret100\": %.6g}\n",
        fn.name.c_str(), strategy.c_str(), seeds, median(at[0]), median(at[1]), median(at[2]));
    std::fflush(stdout);
  }
}

void askLatency(int observations) {
  const SearchSpace space = box(std::vector<std::pair<double, double>>(6, {0.0, 1.0}));
  std::vector<double> times;
  for (int repeat = 0; repeat < 5; ++repeat) {
    GpStrategy gp({&space, json::object(), static_cast<std::uint64_t>(repeat) + 1, 10000, 1});
    Rng rng(static_cast<std::uint64_t>(repeat) + 11);
    std::vector<std::vector<double>> x;
    std::vector<double> y;
    std::vector<std::string> seen;
    for (int i = 0; i < observations; ++i) {
      std::vector<double> u(6);
      for (auto& v : u) v = rng.uniformDouble();
      const json point = space.decode(u);
      x.push_back(space.encode(point));
      y.push_back(hartmann6(point));
      seen.push_back(point.dump());
    }
    json state = gp.saveState();
    state["points"] = json::array();
    state["results"] = json::array();
    for (int i = 0; i < observations; ++i) {
      state["points"].push_back({{"id", i}, {"x", x[static_cast<std::size_t>(i)]}});
      state["results"].push_back({{"id", i}, {"y", y[static_cast<std::size_t>(i)]}});
    }
    state["seen"] = seen;
    state["next_id"] = observations;
    state["halton"] = observations;
    gp.loadState(state);
    const auto start = std::chrono::steady_clock::now();
    if (gp.ask(1).trials.size() != 1) {
      std::fprintf(stderr, "the GP proposed nothing at %d observations\n", observations);
      std::exit(1);
    }
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::printf("{\"gp_ask_ms\": %.2f, \"observations\": %d, \"dimensions\": 6}\n",
              median(times) * 1e3, observations);
  std::fflush(stdout);
}

}  // namespace
}  // namespace tunelab::bench

int main(int argc, char** argv) {
  using namespace tunelab::bench;
  int seeds = 20;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--seeds") == 0) seeds = std::atoi(argv[i + 1]);
  }
  for (int n : {50, 200, 500}) askLatency(n);
  const TestFunction functions[] = {
      {"branin", box({{-5.0, 10.0}, {0.0, 15.0}}), branin, 0.397887357729739},
      {"hartmann6", box(std::vector<std::pair<double, double>>(6, {0.0, 1.0})), hartmann6,
       -3.32236801141551}};
  for (const auto& fn : functions) regrets(fn, seeds);
  return 0;
}
