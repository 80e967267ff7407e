#include "experiments/objective/StepTiming.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "experiments/objective/ModelTraining.h"

namespace tunelab {

namespace {

// The spec trimmed to plain training steps: no validation, early stopping, schedule or metrics.
TrainingSpec stepsOnly(TrainingSpec spec, int epochs) {
  spec.fit.epochs = epochs;
  spec.fit.validationSplit = 0;
  spec.fit.earlyStopping = {};
  spec.fit.schedule = {};
  spec.fit.metrics.clear();
  spec.metrics.clear();
  spec.validationFolds = 0;
  return spec;
}

}  // namespace

double secondsPerStep(const TrainingSpec& spec, const PluginHost& plugins, const Dataset& train,
                      const std::string& backend, int threads, StepWindow window) {
  const TrainingSpec probe = stepsOnly(spec, window.epochs);
  const std::size_t batch = std::max<std::size_t>(1, probe.fit.batchSize);
  std::vector<std::uint32_t> rows(
      std::min(train.size(), batch * std::max<std::size_t>(1, window.stepsPerEpoch)));
  std::iota(rows.begin(), rows.end(), 0U);
  const Dataset subset = selectRows(train, rows);
  const std::size_t steps = std::max<std::size_t>(1, (rows.size() + batch - 1) / batch);
  const TrainedModel model = trainModel(probe, plugins, {subset}, {backend, 1, threads});
  std::vector<double> seconds;
  for (const auto& epoch : model.fit.history) {
    if (epoch.epoch > 1) seconds.push_back(epoch.seconds);
  }
  if (seconds.empty()) {
    for (const auto& epoch : model.fit.history) seconds.push_back(epoch.seconds);
  }
  if (seconds.empty()) return 0;
  std::nth_element(seconds.begin(),
                   seconds.begin() + static_cast<std::ptrdiff_t>(seconds.size() / 2),
                   seconds.end());
  return seconds[seconds.size() / 2] / static_cast<double>(steps);
}

}  // namespace tunelab
