// One training step of the MAGIC MLP and one Fashion-MNIST epoch, per backend and threads.
//   build/release/bin/tunelab_bench_train --benchmark_repetitions=5
//   --benchmark_report_aggregates_only
// The data are random with the real sets' shapes: the time of a step does not depend on values.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "bench/BenchSupport.h"
#include "core/Graph.h"
#include "core/LayerRegistry.h"
#include "core/Trainer.h"
#include "core/layers/StandardLayers.h"

namespace tunelab::bench {
namespace {

Dataset randomData(std::size_t rows, std::size_t features, std::size_t classes,
                   std::uint64_t seed) {
  Dataset d;
  d.x = Matrix(rows, features);
  d.y = Matrix(rows, 1);
  d.sampleShape = Shape{features};
  d.task = classes == 2 ? TaskKind::Binary : TaskKind::Multiclass;
  for (std::size_t c = 0; c < classes; ++c) d.classNames.push_back(std::to_string(c));
  Rng rng(seed);
  for (std::size_t i = 0; i < rows; ++i) {
    d.y(i, 0) = static_cast<float>(rng.below(classes));
    for (std::size_t j = 0; j < features; ++j) d.x(i, j) = rng.uniform();
  }
  return d;
}

struct Model {
  LayerRegistry registry;
  std::unique_ptr<Loss> loss;
  std::optional<Graph> graph;
  Model(const std::vector<LayerSpec>& layers, std::size_t inputs, const std::string& lossName) {
    registerStandardLayers(registry);
    loss = makeLoss(lossName);
    graph.emplace(layers, Shape{inputs}, *loss, registry);
    Rng rng(3);
    graph->initialize(rng);
  }
};

std::string backendAndThreads(const benchmark::State& state) {
  return std::string(backendName(state.range(0))) + " threads " + std::to_string(state.range(1));
}

// OpenBLAS and oneDNN on one and two threads; an epoch is long enough to time twice.
void eachLibraryOnOneAndTwoThreads(benchmark::internal::Benchmark* b) {
  b->ArgNames({"backend", "threads"})
      ->Args({1, 1})
      ->Args({2, 1})
      ->Args({1, 2})
      ->Args({2, 2})
      ->Unit(benchmark::kMillisecond)
      ->Iterations(2);
}

FitOptions oneEpoch(std::size_t batch) {
  FitOptions o;
  o.epochs = 1;
  o.batchSize = batch;
  o.optimizer = parseOptimizer({{"type", "adam"}, {"learning_rate", 0.001}});
  return o;
}

// 10 -> 64 relu -> dropout 0.2 -> 64 relu -> dropout 0.2 -> 1 sigmoid, Adam, batch 32.
void magicStep(benchmark::State& state) {
  constexpr std::size_t kSteps = 200;
  const auto backend = makeBackend(state.range(0));
  backend->setThreads(1);
  Model model({{"dense", {{"units", 64}, {"activation", "relu"}}},
               {"dropout", {{"rate", 0.2}}},
               {"dense", {{"units", 64}, {"activation", "relu"}}},
               {"dropout", {{"rate", 0.2}}},
               {"dense", {{"units", 1}, {"activation", "sigmoid"}}}},
              10, "binary_crossentropy");
  const Dataset data = randomData(32 * kSteps, 10, 2, 5);
  Trainer trainer(*model.graph, *backend, *model.loss, oneEpoch(32), Rng(7));
  const Checkpoint start = trainer.checkpoint();
  for (auto _ : state) {
    state.PauseTiming();
    trainer.restore(start);  // back to epoch 0: each iteration trains the same epoch
    state.ResumeTiming();
    benchmark::DoNotOptimize(trainer.fit(data, nullptr));
  }
  state.SetLabel(backendName(state.range(0)));
  state.counters["us_per_step"] = benchmark::Counter(
      kSteps, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(magicStep)->ArgName("backend")->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// 784 -> 256 relu -> 256 relu -> 10 softmax, batch 128, 60,000 rows: one epoch.
void fashionEpoch(benchmark::State& state) {
  const auto backend = makeBackend(state.range(0));
  backend->setThreads(static_cast<int>(state.range(1)));
  Model model({{"dense", {{"units", 256}, {"activation", "relu"}}},
               {"dense", {{"units", 256}, {"activation", "relu"}}},
               {"dense", {{"units", 10}, {"activation", "softmax"}}}},
              784, "sparse_categorical_crossentropy");
  static const Dataset data = randomData(60000, 784, 10, 9);
  Trainer trainer(*model.graph, *backend, *model.loss, oneEpoch(128), Rng(7));
  const Checkpoint start = trainer.checkpoint();
  for (auto _ : state) {
    state.PauseTiming();
    trainer.restore(start);
    state.ResumeTiming();
    benchmark::DoNotOptimize(trainer.fit(data, nullptr));
  }
  state.SetLabel(backendAndThreads(state));
}
BENCHMARK(fashionEpoch)->Apply(eachLibraryOnOneAndTwoThreads);

// The products of that epoch alone, with the trainer's shapes and transposes: per step the
// forward product and the weight gradient of each layer, and the input gradient of every layer
// but the first (Graph::backward asks the first for none). What the epoch would cost if the
// library's products were all it did; compare.py sets it beside the epoch and the FMA floor.
void fashionProducts(benchmark::State& state) {
  const auto backend = makeBackend(state.range(0));
  backend->setThreads(static_cast<int>(state.range(1)));
  constexpr std::size_t kRows = 60000;
  constexpr std::size_t kBatch = 128;
  const std::size_t widths[] = {784, 256, 256, 10};
  std::vector<Matrix> weights, gradients, activations, deltas;
  Rng rng(11);
  for (std::size_t l = 0; l < 3; ++l) {
    weights.emplace_back(widths[l], widths[l + 1]);
    gradients.emplace_back(widths[l], widths[l + 1]);
  }
  for (std::size_t l = 0; l < 4; ++l) {
    activations.emplace_back(kBatch, widths[l]);
    deltas.emplace_back(kBatch, widths[l]);
    for (float& v : activations.back().values()) v = rng.uniform();
    for (float& v : deltas.back().values()) v = rng.uniform() - 0.5F;
  }
  for (auto& w : weights) {
    for (float& v : w.values()) v = rng.uniform() - 0.5F;
  }
  for (auto _ : state) {
    for (std::size_t start = 0; start < kRows; start += kBatch) {
      const std::size_t rows = std::min(kBatch, kRows - start);
      for (std::size_t l = 0; l < 3; ++l) {
        const ConstMatrixView in(activations[l].data(), rows, widths[l]);
        const ConstMatrixView dOut(deltas[l + 1].data(), rows, widths[l + 1]);
        backend->gemm(Transpose::No, Transpose::No, 1.0F, in, weights[l].cview(), 0.0F,
                      MatrixView(activations[l + 1].data(), rows, widths[l + 1]));
        backend->gemm(Transpose::Yes, Transpose::No, 1.0F, in, dOut, 0.0F, gradients[l].view());
        if (l > 0) {
          backend->gemm(Transpose::No, Transpose::Yes, 1.0F, dOut, weights[l].cview(), 0.0F,
                        MatrixView(deltas[l].data(), rows, widths[l]));
        }
      }
    }
    benchmark::DoNotOptimize(gradients.front().data());
  }
  state.SetLabel(backendAndThreads(state));
}
BENCHMARK(fashionProducts)->Apply(eachLibraryOnOneAndTwoThreads);

}  // namespace
}  // namespace tunelab::bench

BENCHMARK_MAIN();
