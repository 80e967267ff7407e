#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "plugins/testing/CaseName.h"
#include "search/Pruner.h"

namespace tunelab::testing {

/// A pruner under test: its factory (as its plugin registers it) and what it is made with.
struct PrunerCase {
  std::string name;  // names the tests: letters, digits, underscores
  PrunerFactory make;
  nlohmann::json options = nlohmann::json::object();  // search.early_terminate without type
  int maxEpochs = 10;                                 // train.epochs
  /// The pruner documents that it may stop a trial before any trial has finished (a rule on
  /// the trial's own curve, such as a threshold).
  bool stopsWithoutFinishedTrials = false;
};

/// Prints the case's name in test messages (GoogleTest finds the printer by this name).
void PrintTo(const PrunerCase& c, std::ostream* os);  // NOLINT(readability-identifier-naming)

/// What tunelab's runner relies on from a pruner, checked on studies of 12 trials, 3 at a time,
/// with learning curves reported in random order between the running trials (one diverges to
/// +infinity, one fails after two epochs, one before its first):
///   - decisions follow only from the calls received: pruners fed the same calls decide alike;
///   - it stops no trial before some trial has finished (unless the case says it may);
///   - finished() of a trial it never heard of throws nothing and changes no later decision;
///   - a fresh pruner given what a resumed study replays (each finished trial's epochs then
///     finished(), in id order, then the running trials' epochs) decides the rest of the study
///     as the pruner that saw it live;
///   - on some study it stops some trial (a pruner that never stops is no pruner).
/// Instantiate with your factory:
///
///   #include "plugins/testing/PrunerContract.h"
///   using tunelab::testing::PrunerContract;
///   INSTANTIATE_TEST_SUITE_P(Mine, PrunerContract,
///       ::testing::Values(tunelab::testing::PrunerCase{
///           "mine", [](const tunelab::PrunerContext& context) {
///             return std::make_unique<MyPruner>(context); }}),
///       tunelab::testing::CaseName{});
class PrunerContract : public ::testing::TestWithParam<PrunerCase> {
 public:
  ~PrunerContract() override;

 protected:
  /// A new pruner of the case (seed 7).
  static std::unique_ptr<Pruner> make(const PrunerCase& c);
};

}  // namespace tunelab::testing
