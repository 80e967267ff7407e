#include "plugins/testing/PrunerScript.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/Rng.h"

namespace tunelab::testing {

namespace {

constexpr TrialId kDiverges = 4;
constexpr TrialId kFailsAfterTwoEpochs = 6;
constexpr TrialId kFailsAtOnce = 8;

}  // namespace

std::string PrunerCall::describe() const {
  if (kind == Kind::Report) {
    return "report(" + std::to_string(id) + ", " + std::to_string(epoch) + ", " +
           std::to_string(value) + ")";
  }
  return "finished(" + std::to_string(id) + ", state " + std::to_string(static_cast<int>(state)) +
         ")";
}

PrunerScript::PrunerScript(int maxEpochs, std::uint64_t seed, int trials, int parallel)
    : maxEpochs_(maxEpochs), seed_(seed), trials_(trials), parallel_(parallel) {}

double PrunerScript::value(TrialId id, int epoch) const {
  if (id == kDiverges && epoch >= 3) return std::numeric_limits<double>::infinity();
  Rng rng = Rng::derive(seed_, static_cast<std::uint64_t>(id));
  const double level = 0.2 + 0.8 * rng.uniformDouble();
  for (int e = 1; e < epoch; ++e) rng.normal();
  return level * (1.0 + 2.0 / epoch) + 0.02 * rng.normal();
}

std::vector<PrunerCall> PrunerScript::run(Pruner& pruner) const {
  std::vector<PrunerCall> calls;
  std::map<TrialId, int> running;  // trial -> epochs reported
  TrialId next = 0;
  Rng order(seed_ ^ 0x5eedULL);
  auto finish = [&](TrialId id, TrialOutcome::State state) {
    calls.push_back({PrunerCall::Kind::Finished, id, 0, 0, state});
    pruner.finished(id, state);
    running.erase(id);
  };
  while (next < trials_ || !running.empty()) {
    while (next < trials_ && static_cast<int>(running.size()) < parallel_) running[next++] = 0;
    auto it = std::next(running.begin(), static_cast<std::ptrdiff_t>(order.below(running.size())));
    const TrialId id = it->first;
    const int epoch = it->second + 1;
    if (id == kFailsAtOnce || (id == kFailsAfterTwoEpochs && epoch == 3)) {
      finish(id, TrialOutcome::State::Failed);
      continue;
    }
    it->second = epoch;
    const double v = value(id, epoch);
    calls.push_back({PrunerCall::Kind::Report, id, epoch, v, TrialOutcome::State::Complete});
    if (pruner.report(id, epoch, v) == Decision::Stop) {
      finish(id, TrialOutcome::State::Pruned);
    } else if (epoch == maxEpochs_) {
      finish(id, TrialOutcome::State::Complete);
    }
  }
  return calls;
}

std::vector<Decision> replay(Pruner& pruner, const std::vector<PrunerCall>& calls) {
  std::vector<Decision> decisions;
  decisions.reserve(calls.size());
  for (const auto& call : calls) {
    if (call.kind == PrunerCall::Kind::Report) {
      decisions.push_back(pruner.report(call.id, call.epoch, call.value));
    } else {
      pruner.finished(call.id, call.state);
      decisions.push_back(Decision::Continue);
    }
  }
  return decisions;
}

std::vector<PrunerCall> resumeCalls(const std::vector<PrunerCall>& calls) {
  std::map<TrialId, std::vector<PrunerCall>> byTrial;  // in id order, as the store lists them
  std::map<TrialId, bool> finished;
  for (const auto& call : calls) {
    byTrial[call.id].push_back(call);
    if (call.kind == PrunerCall::Kind::Finished) finished[call.id] = true;
  }
  std::vector<PrunerCall> resumed;
  for (const bool finishedTrials : {true, false}) {
    for (const auto& [id, own] : byTrial) {
      if (finished[id] != finishedTrials) continue;
      resumed.insert(resumed.end(), own.begin(), own.end());
    }
  }
  return resumed;
}

}  // namespace tunelab::testing
