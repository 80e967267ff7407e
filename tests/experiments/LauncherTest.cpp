// Under Slurm without an MPI plugin, srun starts each task as a lone process that runs the
// whole study; all but one then find it in use. Their error says what to run instead.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "experiments/distributed/Launcher.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

// This test process's environment as srun without --mpi=pmix leaves it, put back after.
class LauncherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
      if (std::getenv(name) != nullptr) GTEST_SKIP() << "run under an MPI launcher";
    }
    if (const char* tasks = std::getenv("SLURM_STEP_NUM_TASKS")) saved_ = tasks;
  }
  void TearDown() override {
    if (saved_) {
      setenv("SLURM_STEP_NUM_TASKS", saved_->c_str(), 1);
    } else {
      unsetenv("SLURM_STEP_NUM_TASKS");
    }
  }

 private:
  std::optional<std::string> saved_;
};

TEST_F(LauncherTest, SeveralSrunTasksWithoutAnMpiPluginAreToldToUsePmix) {
  setenv("SLURM_STEP_NUM_TASKS", "3", 1);
  EXPECT_FALSE(launchedByMpi());
  EXPECT_THAT(srunWithoutMpiHint(), HasSubstr("srun started 3 tasks without an MPI plugin"));
  EXPECT_THAT(srunWithoutMpiHint(), HasSubstr("srun --mpi=pmix"));
}

TEST_F(LauncherTest, OneSrunTaskOrNoneNeedsNoHint) {
  unsetenv("SLURM_STEP_NUM_TASKS");
  EXPECT_EQ(srunWithoutMpiHint(), "");
  setenv("SLURM_STEP_NUM_TASKS", "1", 1);
  EXPECT_EQ(srunWithoutMpiHint(), "");
}

}  // namespace
}  // namespace tunelab
