#include "plugins/testing/StrategyDriver.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace tunelab::testing {

StrategyDriver::StrategyDriver(Strategy& strategy, std::size_t parallel, std::uint64_t order,
                               TrialEndings endings, int maxEpochs)
    : strategy_(&strategy),
      parallel_(parallel),
      order_(order),
      endings_(endings),
      maxEpochs_(maxEpochs) {}

bool StrategyDriver::fill() {
  std::size_t repeats = repeatWaits_;
  while (!exhausted_ && running_.size() < parallel_) {
    const std::size_t free = parallel_ - running_.size();
    AskResult result = strategy_->ask(free);
    ++events_;
    check(result, free);
    if (result.kind == AskResult::Kind::Wait && repeats-- > 0) continue;
    if (result.kind == AskResult::Kind::Exhausted) exhausted_ = true;
    if (result.kind != AskResult::Kind::Ready || result.trials.empty()) break;
    for (auto& trial : result.trials) {
      checkTrial(trial);
      trials_.push_back(trial);
      running_.push_back(std::move(trial));
    }
  }
  // The runner ends the study when nothing runs and the strategy proposes nothing.
  over_ = running_.empty();
  return !over_;
}

void StrategyDriver::check(const AskResult& result, std::size_t asked) {
  static const char* const kKinds[] = {"Ready", "Wait", "Exhausted"};
  std::string line =
      "ask(" + std::to_string(asked) + ") -> " + kKinds[static_cast<int>(result.kind)];
  for (const auto& t : result.trials) {
    line += " {" + std::to_string(t.id) + " " + t.params.dump() + " budget " +
            std::to_string(t.budget) + " from " + std::to_string(t.resumeFrom.value_or(-1)) + "}";
  }
  log_.push_back(line);
  const bool ready = result.kind == AskResult::Kind::Ready;
  if (ready && (result.trials.empty() || result.trials.size() > asked)) {
    violations_.push_back(line + ": Ready must hold 1.." + std::to_string(asked) + " trials");
  }
  if (!ready && !result.trials.empty()) violations_.push_back(line + ": trials without Ready");
  if (result.kind == AskResult::Kind::Wait && running_.empty()) {
    violations_.push_back(line + " with no trial running: the runner would end the study");
  }
}

void StrategyDriver::checkTrial(const TrialSpec& trial) {
  const std::string what = "trial " + std::to_string(trial.id);
  if (trial.id < 0) violations_.push_back(what + ": ids must not be negative");
  if (!trials_.empty() && trial.id <= trials_.back().id) {
    violations_.push_back(what + " after trial " + std::to_string(trials_.back().id) +
                          ": ids must increase in the order trials are asked");
  }
  if (trial.budget < 0 || trial.budget > maxEpochs_) {
    violations_.push_back(what + ": budget " + std::to_string(trial.budget) + " outside 0.." +
                          std::to_string(maxEpochs_) + " (train.epochs)");
  }
  if (!trial.resumeFrom) return;
  // The runner resumes from the parent's final checkpoint, which it keeps only for a complete
  // trial whose budget was below train.epochs.
  const auto parent = told_.find(*trial.resumeFrom);
  const auto asked = std::find_if(trials_.begin(), trials_.end(),
                                  [&](const TrialSpec& t) { return t.id == *trial.resumeFrom; });
  if (parent == told_.end() || parent->second.state != TrialOutcome::State::Complete ||
      asked == trials_.end() || asked->budget <= 0 || asked->budget >= maxEpochs_ ||
      trial.budget <= asked->budget) {
    violations_.push_back(what + " resumes from trial " + std::to_string(*trial.resumeFrom) +
                          ", which is not a complete trial with a smaller budget below " +
                          "train.epochs");
  }
}

TrialOutcome StrategyDriver::outcomeOf(const TrialSpec& trial) const {
  const int epochs = trial.budget > 0 ? trial.budget : maxEpochs_;
  const auto hash = std::hash<std::string>{}(trial.params.dump());
  // Longer training gives a better value, as it usually does.
  const double value = static_cast<double>(hash % 1000) / 1000.0 / (1.0 + epochs);
  const auto id = static_cast<std::size_t>(trial.id);
  if (endings_.failEvery > 0 && id % endings_.failEvery == endings_.failEvery - 1) {
    return {trial.id, TrialOutcome::State::Failed, std::nan(""), 1};
  }
  if (endings_.pruneEvery > 0 && id % endings_.pruneEvery == endings_.pruneEvery - 1) {
    return {trial.id, TrialOutcome::State::Pruned, value * 2.0, std::max(1, epochs / 2)};
  }
  return {trial.id, TrialOutcome::State::Complete, value, epochs};
}

void StrategyDriver::finishOne() {
  const auto i = static_cast<std::size_t>(order_.below(running_.size()));
  const TrialSpec trial = running_[i];
  running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
  const TrialOutcome outcome = outcomeOf(trial);
  strategy_->tell(outcome);
  ++events_;
  told_[trial.id] = outcome;
  log_.push_back("tell " + std::to_string(trial.id) + " state " +
                 std::to_string(static_cast<int>(outcome.state)));
}

void StrategyDriver::run(std::size_t maxEvents) {
  while (events_ < maxEvents && fill()) finishOne();
}

std::size_t StrategyDriver::configurations() const {
  return static_cast<std::size_t>(std::count_if(trials_.begin(), trials_.end(),
                                                [](const TrialSpec& t) { return !t.resumeFrom; }));
}

}  // namespace tunelab::testing
