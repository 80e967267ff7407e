// Pruners with one seeded defect each: the kit's pruner contract must fail on them.
#include <map>
#include <memory>
#include <stdexcept>

#include "plugins/testing/PrunerContract.h"
#include "search/pruners/median/MedianPruner.h"

namespace tunelab {
namespace {

using testing::PrunerContract;

// The median rule with warmup 1 and min_trials 1, which the defects then bend.
class Median : public Pruner {
 public:
  Decision report(TrialId id, int epoch, double value) override {
    return median_.report(id, epoch, value);
  }
  void finished(TrialId id, TrialOutcome::State state) override { median_.finished(id, state); }

 private:
  MedianPruner median_{PrunerContext{{{"warmup_epochs", 1}, {"min_trials", 1}}, 7, 10}};
};

class StopsAtTheSecondEpoch final : public Median {
 public:
  Decision report(TrialId /*id*/, int epoch, double /*value*/) override {
    return epoch >= 2 ? Decision::Stop : Decision::Continue;
  }
};

class NeverStops final : public Median {
 public:
  Decision report(TrialId /*id*/, int /*epoch*/, double /*value*/) override {
    return Decision::Continue;
  }
};

// Lets every other pruner made in this process off (a global, not the calls, decides).
class DependsOnAGlobal final : public Median {
 public:
  DependsOnAGlobal() : lenient_(made()++ % 2 == 1) {}
  Decision report(TrialId id, int epoch, double value) override {
    const Decision decision = Median::report(id, epoch, value);
    return lenient_ ? Decision::Continue : decision;
  }

 private:
  static int& made() {
    static int count = 0;
    return count;
  }
  bool lenient_;
};

class ThrowsForAnUnknownTrial final : public Median {
 public:
  Decision report(TrialId id, int epoch, double value) override {
    seen_[id] = true;
    return Median::report(id, epoch, value);
  }
  void finished(TrialId id, TrialOutcome::State state) override {
    if (!seen_.contains(id)) throw std::out_of_range("unknown trial");
    Median::finished(id, state);
  }

 private:
  std::map<TrialId, bool> seen_;
};

// Compares with the last trial to finish only: the order of the calls, which a resumed study
// does not replay, decides.
class ComparesWithTheLastFinished final : public Pruner {
 public:
  Decision report(TrialId id, int epoch, double value) override {
    auto& curve = running_[id];
    curve.resize(static_cast<std::size_t>(epoch - 1));
    curve.push_back(value);
    if (last_.size() < static_cast<std::size_t>(epoch)) return Decision::Continue;
    return value > last_[static_cast<std::size_t>(epoch - 1)] ? Decision::Stop : Decision::Continue;
  }
  void finished(TrialId id, TrialOutcome::State /*state*/) override {
    if (auto node = running_.extract(id); !node.empty()) last_ = std::move(node.mapped());
  }

 private:
  std::map<TrialId, std::vector<double>> running_;
  std::vector<double> last_;
};

template <class P>
PrunerFactory prunerOf() {
  return [](const PrunerContext& /*context*/) { return std::make_unique<P>(); };
}

INSTANTIATE_TEST_SUITE_P(
    Broken, PrunerContract,
    ::testing::Values(
        testing::PrunerCase{"stops_at_the_second_epoch", prunerOf<StopsAtTheSecondEpoch>()},
        testing::PrunerCase{"never_stops", prunerOf<NeverStops>()},
        testing::PrunerCase{"depends_on_a_global", prunerOf<DependsOnAGlobal>()},
        testing::PrunerCase{"throws_for_an_unknown_trial", prunerOf<ThrowsForAnUnknownTrial>()},
        testing::PrunerCase{"compares_with_the_last_finished",
                            prunerOf<ComparesWithTheLastFinished>()}),
    testing::CaseName{});

}  // namespace
}  // namespace tunelab
