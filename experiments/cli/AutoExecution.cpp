#include "experiments/cli/AutoExecution.h"

#include <algorithm>
#include <exception>
#include <latch>
#include <numeric>
#include <thread>
#include <vector>

#include "experiments/objective/ModelTraining.h"
#include "experiments/objective/StepTiming.h"
#include "plugins/PluginHost.h"

namespace tunelab {

namespace {

constexpr std::size_t kParametersWorthThreads = 100'000;
std::vector<std::string> candidatesOf(const PluginHost& plugins) {
  std::vector<std::string> candidates = plugins.backends().names();
  std::erase(candidates, "reference");
  if (candidates.empty()) candidates.emplace_back("reference");
  return candidates;
}

// The model's shape, the data's sample shape and batch, the trials at once, and the machine
// with its libraries.
std::string verdictKey(const ModelProbe& probe, const std::vector<std::string>& backends) {
  std::vector<std::string> descriptions;
  for (const auto& name : backends) {
    descriptions.push_back(name + ": " + probe.plugins.backends().create(name)->description());
  }
  std::string input;
  for (const auto d : probe.train.sampleShape.dims) input += std::to_string(d) + " ";
  return "model=" + probe.model.dump() + "; input=" + input +
         "; batch=" + std::to_string(probe.training.fit.batchSize) +
         "; side by side=" + std::to_string(probe.sideBySide) + "; " + machineKey(descriptions);
}

// Side by side, the copies must overlap long enough for their contention to show: two
// OpenBLAS trials slow each other by 1.5-2x on MAGIC's model (OpenBLAS's shared buffer pool),
// which 6 epochs of 48 steps did not show and 60 epochs (~50 ms) did.
constexpr double kSideBySideSeconds = 0.05;
constexpr StepWindow kLongestWindow{.stepsPerEpoch = 48, .epochs = 60};
constexpr StepWindow kShortestWindow{.stepsPerEpoch = 3, .epochs = 6};

// A window of about kSideBySideSeconds, from a step timed alone: more epochs for small models,
// fewer steps per epoch for large ones.
StepWindow sideBySideWindow(double secondsPerStepAlone) {
  const double steps = kSideBySideSeconds / std::max(secondsPerStepAlone, 1e-9);
  const auto perEpoch = static_cast<double>(kLongestWindow.stepsPerEpoch);
  if (steps < perEpoch * kShortestWindow.epochs) {
    const double stepsPerEpoch = std::max(static_cast<double>(kShortestWindow.stepsPerEpoch),
                                          steps / kShortestWindow.epochs);
    return {static_cast<std::size_t>(stepsPerEpoch), kShortestWindow.epochs};
  }
  return {kLongestWindow.stepsPerEpoch,
          static_cast<int>(std::min(steps / perEpoch, double{kLongestWindow.epochs}))};
}

// Seconds per step with `probe.sideBySide` copies of the model training at once, each on its
// own thread as trials run (two OpenBLAS trials at once slow each other; a step timed alone
// cannot show it).
double secondsPerStepSideBySide(const ModelProbe& probe, const std::string& backend, int threads) {
  const StepWindow window = sideBySideWindow(
      secondsPerStep(probe.training, probe.plugins, probe.train, backend, threads));
  const auto copies = static_cast<std::size_t>(probe.sideBySide);
  std::vector<double> seconds(copies, 0);
  std::vector<std::exception_ptr> failures(copies);
  std::latch start(static_cast<std::ptrdiff_t>(copies));
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < copies; ++i) {
    workers.emplace_back([&, i] {
      try {
        start.arrive_and_wait();
        seconds[i] =
            secondsPerStep(probe.training, probe.plugins, probe.train, backend, threads, window);
      } catch (...) {
        failures[i] = std::current_exception();
      }
    });
  }
  for (auto& worker : workers) worker.join();
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
  return std::accumulate(seconds.begin(), seconds.end(), 0.0) / static_cast<double>(copies);
}

MeasureStep measureOn(const ModelProbe& probe) {
  return [&probe](const std::string& backend, int threads) {
    if (probe.sideBySide > 1) return secondsPerStepSideBySide(probe, backend, threads);
    return secondsPerStep(probe.training, probe.plugins, probe.train, backend, threads);
  };
}

}  // namespace

BackendChoice pickAutoBackend(const ModelProbe& probe) {
  const auto candidates = candidatesOf(probe.plugins);
  BackendChoice choice =
      chooseBackend(candidates, verdictKey(probe, candidates), choiceCacheFile(), measureOn(probe));
  choice.sideBySide = probe.sideBySide;
  return choice;
}

ThreadsChoice pickAutoThreads(const ModelProbe& probe, const std::string& backend, int threads) {
  if (threads <= 1 || countParameters(probe.training, probe.plugins, probe.train.sampleShape) <
                          kParametersWorthThreads) {
    return {};
  }
  // More threads for one trial against one thread for it: the trial alone.
  ModelProbe alone = probe;
  alone.sideBySide = 1;
  return chooseThreads(threads, backend, verdictKey(alone, {backend}), choiceCacheFile(),
                       measureOn(alone));
}

}  // namespace tunelab
