#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "plugins/testing/CaseName.h"
#include "search/Strategy.h"

namespace tunelab::testing {

/// A strategy under test: its factory (as its plugin registers it) and what it is made with.
struct StrategyCase {
  std::string name;  // names the tests: letters, digits, underscores
  StrategyFactory make;
  nlohmann::json options = nlohmann::json::object();  // search.<strategy>: {...}
  int maxEpochs = 9;                                  // train.epochs
  /// max_trials on the kit's finite space (18 points); nullopt: none, the whole space.
  std::optional<std::size_t> finiteMaxTrials;
  /// Also checked on a continuous space (with max_trials 12).
  bool continuous = true;
  /// May propose the same parameters twice as new trials (noisy objectives).
  bool repeatsPoints = false;
};

/// Prints the case's name in test messages (GoogleTest finds the printer by this name).
void PrintTo(const StrategyCase& c, std::ostream* os);  // NOLINT(readability-identifier-naming)

/// What tunelab's runner relies on from a strategy, checked by driving it as the runner does
/// (slots of 1 and 3 trials, trials finishing in random order) on a finite space with a
/// conditional parameter and on a continuous one:
///   - ask(n) answers Ready with 1..n trials, Wait, or Exhausted; Exhausted is final;
///   - Wait only while some of its trials are running (with none, the runner ends the study),
///     and asking again while it waits (as often as timing makes the runner ask) changes nothing;
///   - trial ids are unique, non-negative and increase in the order asked (gaps are fine);
///   - budgets stay within train.epochs; resumeFrom names a complete trial with a smaller
///     budget below train.epochs (the runner resumes from its final checkpoint);
///   - no configuration twice, never more new configurations than max_trials;
///   - decisions follow from the seed and the calls: two instances driven alike agree, and an
///     instance loaded with saveState() (through JSON text, as the store keeps it) taken at any
///     commit goes on exactly as the uninterrupted one;
///   - failed (NaN value) and pruned trials do not end the search early.
/// Instantiate with your factory:
///
///   #include "plugins/testing/StrategyContract.h"
///   using tunelab::testing::StrategyContract;
///   INSTANTIATE_TEST_SUITE_P(Mine, StrategyContract,
///       ::testing::Values(tunelab::testing::StrategyCase{
///           "mine", [](const tunelab::StrategyContext& context) {
///             return std::make_unique<MyStrategy>(context); }}),
///       tunelab::testing::CaseName{});
class StrategyContract : public ::testing::TestWithParam<StrategyCase> {
 public:
  ~StrategyContract() override;

 protected:
  /// The spaces the case is checked on: the finite one, and the continuous one unless the case
  /// says otherwise.
  static std::vector<SearchSpace> spaces(const StrategyCase& c);
  /// What the case's factory gets for `space` (seed 7; max_trials as the case says for the
  /// finite space, 12 for the continuous one).
  static StrategyContext contextFor(const StrategyCase& c, const SearchSpace& space);
};

}  // namespace tunelab::testing
