// The lock of a study database: one owner at a time, named to whoever is refused; a lock its
// owner did not release (the process was killed) is free and reported as taken over.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "experiments/store/StudyLock.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

TEST(StudyLock, ASecondOwnerIsRefusedNamingTheFirstEvenInOneProcess) {
  const auto db = test::scratchDir("lock-second") / "study.db";
  const StudyLock first(db);
  EXPECT_FALSE(first.takenOverFrom().has_value()) << "a new study has no previous owner";
  try {
    const StudyLock second(db);
    FAIL() << "a second lock was granted";
  } catch (const StudyBusy& e) {
    EXPECT_EQ(e.owner().pid, getpid());
    EXPECT_THAT(e.what(), HasSubstr(db.string() + " is in use by another tunelab run (pid " +
                                    std::to_string(getpid()) + " on host "));
    EXPECT_THAT(e.what(), HasSubstr("nothing was changed"));
  }
  const auto owner = StudyLock::liveOwner(db);
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->pid, getpid());
  EXPECT_THAT(owner->started, HasSubstr(" UTC"));
}

TEST(StudyLock, ReleasedCleanlyLeavesNoOwner) {
  const auto db = test::scratchDir("lock-released") / "study.db";
  { const StudyLock first(db); }
  EXPECT_FALSE(StudyLock::liveOwner(db).has_value());
  const StudyLock again(db);
  EXPECT_FALSE(again.takenOverFrom().has_value());
}

TEST(StudyLock, AnOwnerThatDiedWithoutReleasingIsTakenOver) {
  const auto db = test::scratchDir("lock-died") / "study.db";
  const pid_t child = fork();
  if (child == 0) {
    std::optional<StudyLock> lock;
    lock.emplace(db);
    _exit(0);  // no destructor runs: the process ends as a killed one would
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_FALSE(StudyLock::liveOwner(db).has_value()) << "the kernel released the dead owner's lock";
  const StudyLock taken(db);
  ASSERT_TRUE(taken.takenOverFrom().has_value());
  EXPECT_EQ(taken.takenOverFrom()->pid, child);
}

TEST(StudyLock, NoLockFileMeansNoOwner) {
  EXPECT_FALSE(StudyLock::liveOwner(test::scratchDir("lock-none") / "study.db").has_value());
}

}  // namespace
}  // namespace tunelab
