// GEMM throughput per backend next to the FMA peak of one core, measured in the same run.
//   build/release/bin/tunelab_bench_gemm --benchmark_repetitions=5
//   --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>

#include <vector>

#include "bench/BenchSupport.h"
#include "core/Rng.h"

namespace tunelab::bench {
namespace {

// 12 independent accumulators of 16 floats: enough to hide FMA latency on two FMA ports.
using Vec16 = float __attribute__((vector_size(64)));
constexpr int kAccumulators = 12;
constexpr int kInnerLoops = 1000;

void fmaPeak(benchmark::State& state) {
  Vec16 acc[kAccumulators];
  Vec16 x;
  Vec16 y;
  for (int i = 0; i < 16; ++i) {
    x[i] = 1.0F + 1e-7F * static_cast<float>(i);
    y[i] = 0.999999F;
  }
  for (auto& a : acc) a = x;
  for (auto _ : state) {
    for (int i = 0; i < kInnerLoops; ++i) {
      for (auto& a : acc) a = a * y + x;
    }
    benchmark::DoNotOptimize(acc);
  }
  const double flops = 2.0 * 16 * kAccumulators * kInnerLoops;
  state.counters["GFLOPS"] =
      benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(fmaPeak);

void gemmThroughput(benchmark::State& state) {
  const auto backend = makeBackend(state.range(0));
  backend->setThreads(static_cast<int>(state.range(4)));
  const auto m = static_cast<std::size_t>(state.range(1));
  const auto n = static_cast<std::size_t>(state.range(2));
  const auto k = static_cast<std::size_t>(state.range(3));
  Rng rng(1);
  std::vector<float> a(m * k);
  std::vector<float> b(k * n);
  std::vector<float> c(m * n);
  for (auto& v : a) v = rng.uniform();
  for (auto& v : b) v = rng.uniform();
  for (auto _ : state) {
    backend->gemm(Transpose::No, Transpose::No, 1.0F, {a.data(), m, k}, {b.data(), k, n}, 0.0F,
                  {c.data(), m, n});
    benchmark::DoNotOptimize(c.data());
  }
  state.SetLabel(backendName(state.range(0)));
  state.counters["GFLOPS"] = benchmark::Counter(2.0 * double(m) * double(n) * double(k) * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}
// backend, m, n, k, threads: the Fashion-MNIST first layer at batch 256, and a MAGIC layer.
BENCHMARK(gemmThroughput)
    ->ArgNames({"backend", "m", "n", "k", "threads"})
    ->Args({0, 256, 256, 784, 1})
    ->Args({1, 256, 256, 784, 1})
    ->Args({2, 256, 256, 784, 1})
    ->Args({1, 256, 256, 784, 2})
    ->Args({2, 256, 256, 784, 2})
    ->Args({1, 32, 64, 64, 1})
    ->Args({2, 32, 64, 64, 1});

}  // namespace
}  // namespace tunelab::bench

BENCHMARK_MAIN();
