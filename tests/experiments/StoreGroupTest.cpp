// The study store's group commit (one synced commit for a burst of finished and new trials)
// and where each trial ran (the MPI rank and host), as the store keeps them and the tables
// show them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "experiments/report/ResultsTable.h"
#include "experiments/store/StudyStore.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TrialRecord finished(TrialId id, double value) {
  TrialRecord t;
  t.id = id;
  t.backend = "reference";
  t.params = {{"x", value}};
  t.status = TrialStatus::Complete;
  t.value = value;
  t.epochs = 1;
  t.bestEpoch = 1;
  return t;
}

class StoreGroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    db_ = test::scratchDir(std::string("store-group-") + info->name()) / "study.db";
  }

  // Trial `id` asked for and finished, inside whatever transaction is open.
  static void askAndFinish(StudyStore& store, TrialId id, double value) {
    TrialRecord asked = finished(id, value);
    asked.status = TrialStatus::Running;
    store.addTrials({asked}, nlohmann::json{{"asked", id}});
    store.finishTrial(finished(id, value), nlohmann::json{{"told", id}});
  }

  std::filesystem::path db_;
};

TEST_F(StoreGroupTest, AGroupCommitsEverythingItHoldsAtOnce) {
  {
    StudyStore store(db_);
    store.openStudy("s", "text", "space", "config", false);
    StudyStore::Group group(store);
    for (TrialId id = 0; id < 5; ++id) askAndFinish(store, id, 0.1 * static_cast<double>(id));
    group.commit();
  }
  StudyStore reopened(db_);
  const auto trials = reopened.trials();
  ASSERT_EQ(trials.size(), 5U);
  EXPECT_TRUE(std::all_of(trials.begin(), trials.end(),
                          [](const auto& t) { return t.status == TrialStatus::Complete; }));
  EXPECT_EQ(*reopened.strategyState(), (nlohmann::json{{"told", 4}}));
}

TEST_F(StoreGroupTest, AGroupNotCommittedLeavesTheStoreAsBeforeIt) {
  {
    StudyStore store(db_);
    store.openStudy("s", "text", "space", "config", false);
    askAndFinish(store, 0, 0.5);  // committed on its own
    StudyStore::Group group(store);
    askAndFinish(store, 1, 0.25);
    askAndFinish(store, 2, 0.125);
    // The process dies (or an error is thrown) before the group's commit.
  }
  StudyStore reopened(db_);
  const auto trials = reopened.trials();
  ASSERT_EQ(trials.size(), 1U);
  EXPECT_EQ(trials[0].id, 0);
  EXPECT_EQ(*reopened.strategyState(), (nlohmann::json{{"told", 0}}));
}

TEST_F(StoreGroupTest, EachTrialKeepsTheRankAndHostThatRanIt) {
  {
    StudyStore store(db_);
    store.openStudy("s", "text", "space", "config", false);
    askAndFinish(store, 0, 0.5);  // in the study's own process
    TrialRecord remote = finished(1, 0.25);
    store.addTrials({remote}, nullptr);
    remote.rank = 3;
    remote.host = "node2";
    store.finishTrial(remote, nullptr);
  }
  StudyStore reopened(db_);
  const auto trials = reopened.trials();
  ASSERT_EQ(trials.size(), 2U);
  EXPECT_FALSE(trials[0].rank.has_value());
  ASSERT_TRUE(trials[1].rank.has_value());
  EXPECT_EQ(*trials[1].rank, 3);
  EXPECT_EQ(trials[1].host, "node2");
  EXPECT_EQ(ranOn(trials[1]), "rank 3 on node2");
  EXPECT_EQ(ranOn(trials[0]), "");
}

TEST_F(StoreGroupTest, AStoreFromBeforeRanksOpensAndReadsItsTrials) {
  {
    StudyStore store(db_);
    store.openStudy("s", "text", "space", "config", false);
    askAndFinish(store, 0, 0.5);
  }
  {
    SqliteDatabase old(db_);
    old.execute("ALTER TABLE trials DROP COLUMN rank; ALTER TABLE trials DROP COLUMN host");
  }
  StudyStore reopened(db_);
  const auto trials = reopened.trials();
  ASSERT_EQ(trials.size(), 1U);
  EXPECT_FALSE(trials[0].rank.has_value());
  EXPECT_EQ(trials[0].host, "");
}

TEST_F(StoreGroupTest, TablesShowWhereTrialsRanOnlyForAStudyOnRanks) {
  StudySpec spec;
  spec.metric = MetricGoal::forName("loss");
  spec.execution.backends = {"reference"};
  std::vector<TrialRecord> trials{finished(0, 0.5), finished(1, 0.25)};
  const auto columns = [](const std::vector<TrialRecord>& t) { return resultsTable(t).columns; };
  EXPECT_THAT(columns(trials), Not(::testing::Contains("rank")));
  EXPECT_THAT(formatBestTrials(trials, spec, 2), Not(HasSubstr("ran on")));

  trials[1].rank = 2;
  trials[1].host = "node7";
  EXPECT_THAT(columns(trials), ::testing::IsSupersetOf({"rank", "host"}));
  const std::string best = formatBestTrials(trials, spec, 2);
  EXPECT_THAT(best, HasSubstr("ran on"));
  EXPECT_THAT(best, HasSubstr("rank 2 on node7"));
}

}  // namespace
}  // namespace tunelab
