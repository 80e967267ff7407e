#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/Rng.h"
#include "search/Strategy.h"

namespace tunelab::testing {

/// How the simulated trials end: every `failEvery`-th trial (by id) fails with a NaN value,
/// every `pruneEvery`-th is pruned (0: never). The others complete with a value that depends
/// only on their parameters and budget.
struct TrialEndings {
  std::size_t failEvery = 0;
  std::size_t pruneEvery = 0;
};

/// Drives a strategy as tunelab's runner does: asks for as many trials as there are free slots
/// (`parallel`), stops asking for the moment on Wait and for good on Exhausted, and tells the
/// outcome of one running trial at a time, picked at random from `order` (trials finish in any
/// order). Records every answer and every contract violation it sees. Copyable: a copy taken
/// between two steps is the runner's view at that commit (see StrategyContract's resume test).
class StrategyDriver {
 public:
  StrategyDriver(Strategy& strategy, std::size_t parallel, std::uint64_t order,
                 TrialEndings endings = {}, int maxEpochs = 1);

  /// Asks until the slots are full or the strategy says Wait or Exhausted. Returns false when
  /// the study is over: Exhausted (or Wait, a violation) with no trial running.
  bool fill();
  /// Tells the outcome of one running trial. Requires running trials.
  void finishOne();
  /// fill() and finishOne() until the study is over or `maxEvents` asks and tells happened.
  void run(std::size_t maxEvents = 100'000);
  /// Drives another strategy from now on (a resumed one).
  void attach(Strategy& strategy) { strategy_ = &strategy; }
  /// Asks `times` more before taking a Wait for an answer, as a busy runner does (it asks
  /// again after every event while a slot is free).
  void repeatWaits(std::size_t times) { repeatWaits_ = times; }

  bool over() const { return over_; }
  bool exhausted() const { return exhausted_; }
  std::size_t events() const { return events_; }
  std::size_t running() const { return running_.size(); }
  /// Every trial, in the order asked.
  const std::vector<TrialSpec>& trials() const { return trials_; }
  /// A line per ask and per tell: what an identical strategy must reproduce.
  const std::vector<std::string>& log() const { return log_; }
  /// Broken promises, each a sentence naming the trial or the ask.
  const std::vector<std::string>& violations() const { return violations_; }
  /// Trials without resumeFrom (new configurations).
  std::size_t configurations() const;

 private:
  void check(const AskResult& result, std::size_t asked);
  void checkTrial(const TrialSpec& trial);
  TrialOutcome outcomeOf(const TrialSpec& trial) const;

  Strategy* strategy_;
  std::size_t parallel_;
  Rng order_;
  TrialEndings endings_;
  int maxEpochs_;
  std::vector<TrialSpec> running_;
  std::vector<TrialSpec> trials_;
  std::map<TrialId, TrialOutcome> told_;
  std::vector<std::string> log_;
  std::vector<std::string> violations_;
  std::size_t events_ = 0;
  std::size_t repeatWaits_ = 0;
  bool exhausted_ = false;
  bool over_ = false;
};

}  // namespace tunelab::testing
