#include "experiments/cli/AutoExecution.h"

#include <algorithm>

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

// The model's shape, the data's sample shape and batch, and the machine with its libraries.
std::string verdictKey(const ModelProbe& probe, const std::vector<std::string>& backends) {
  std::vector<std::string> descriptions;
  for (const auto& name : backends) {
    descriptions.push_back(name + ": " + probe.plugins.backends().create(name)->description());
  }
  std::string input;
  for (const auto d : probe.train.sampleShape.dims) input += std::to_string(d) + " ";
  return "model=" + probe.model.dump() + "; input=" + input +
         "; batch=" + std::to_string(probe.training.fit.batchSize) + "; " +
         machineKey(descriptions);
}

MeasureStep measureOn(const ModelProbe& probe) {
  return [&probe](const std::string& backend, int threads) {
    return secondsPerStep(probe.training, probe.plugins, probe.train, backend, threads);
  };
}

}  // namespace

BackendChoice pickAutoBackend(const ModelProbe& probe) {
  const auto candidates = candidatesOf(probe.plugins);
  return chooseBackend(candidates, verdictKey(probe, candidates), choiceCacheFile(),
                       measureOn(probe));
}

ThreadsChoice pickAutoThreads(const ModelProbe& probe, const std::string& backend, int threads) {
  if (threads <= 1 || countParameters(probe.training, probe.plugins, probe.train.sampleShape) <
                          kParametersWorthThreads) {
    return {};
  }
  return chooseThreads(threads, backend, verdictKey(probe, {backend}), choiceCacheFile(),
                       measureOn(probe));
}

}  // namespace tunelab
