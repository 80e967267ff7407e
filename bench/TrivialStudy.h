#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "experiments/config/StudySpec.h"
#include "experiments/objective/Objective.h"

namespace tunelab::bench {

/// An objective that does no work: one epoch whose values follow from x and y. The runner
/// benchmarks measure the coordinator's own cost per trial with it.
class TrivialObjective final : public Objective {
 public:
  TrialRun run(const TrialSpec& trial, const TrialContext& /*context*/,
               const TrialEpochCallback& onEpoch) const override {
    TrialRun run;
    const double x = trial.params.at("x").get<double>();
    const double y = trial.params.at("y").get<double>();
    EpochRecord record;
    record.epoch = 1;
    record.last = true;
    record.values = {{"loss", (x - 0.3) * (x - 0.3) + (y + 0.1) * (y + 0.1)}, {"val_loss", x * y}};
    run.fit.history.push_back(record);
    run.fit.bestEpoch = 1;
    if (!onEpoch(record)) run.ending = TrialRun::Ending::Stopped;
    run.peakMemoryKiB = 1;
    return run;
  }
  bool resumesFromCheckpoints() const override { return false; }
};

/// A random search of `trials` trials over x, y in [-1, 1] minimising the trivial loss, stored
/// in `db`.
inline StudySpec trivialStudy(const std::filesystem::path& db, std::size_t trials) {
  StudySpec spec;
  spec.name = "runner-bench";
  spec.strategy = "random";
  spec.metric = MetricGoal::forName("loss");
  spec.maxTrials = trials;
  spec.space = SearchSpace::parse(
      nlohmann::json::parse(R"({"x": {"min": -1.0, "max": 1.0}, "y": {"min": -1.0, "max": 1.0}})"),
      {"x", "y"});
  spec.execution.storage = db;
  return spec;
}

}  // namespace tunelab::bench
