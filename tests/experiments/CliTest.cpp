// The real executable: exit codes and messages as a shell user sees them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "tests/support/TestData.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

struct CommandRun {
  int code = -1;
  std::string output;
};

CommandRun tunelab(const std::string& arguments) {
  const std::string command = test::tunelabExecutable().string() + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  CommandRun run;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) run.output += buffer.data();
  const int status = pclose(pipe);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(Cli, BackendsNamesTheKernelsAndWarnsAboutASlowOpenBlasCore) {
  const CommandRun normal = tunelab("backends");
  EXPECT_EQ(normal.code, 0) << normal.output;
  EXPECT_THAT(normal.output, HasSubstr("oneDNN 2."));
  EXPECT_THAT(normal.output, HasSubstr("OpenBLAS 0."));
  // An SSE3 core on a CPU with AVX2 or AVX-512: the command says so and how to fix it.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") == 0) GTEST_SKIP() << "this CPU has no AVX2";
  setenv("OPENBLAS_CORETYPE", "Prescott", 1);  // inherited by the tunelab process only
  const std::string output = tunelab("backends").output;
  unsetenv("OPENBLAS_CORETYPE");
  EXPECT_THAT(output, HasSubstr("warning: OpenBLAS runs Prescott kernels"));
  EXPECT_THAT(output, HasSubstr("OPENBLAS_CORETYPE=Prescott chose them"));
}

TEST(Cli, HelpAndVersion) {
  EXPECT_EQ(tunelab("--help").code, 0);
  EXPECT_THAT(tunelab("--help").output, HasSubstr("train"));
  EXPECT_EQ(tunelab("version").code, 0);
  EXPECT_EQ(tunelab("train --help").code, 0);
  EXPECT_THAT(tunelab("train --help").output, HasSubstr("--set"));
}

TEST(Cli, UnknownCommandAndFlag) {
  const CommandRun command = tunelab("trian");
  EXPECT_EQ(command.code, 2);
  EXPECT_THAT(command.output, HasSubstr("did you mean 'train'"));
  const CommandRun flag = tunelab("train x.yaml --sett a=1");
  EXPECT_EQ(flag.code, 2);
  EXPECT_THAT(flag.output, HasSubstr("sett"));
}

TEST(Cli, MissingExperimentFileExitsTwo) {
  const CommandRun run = tunelab("train /nonexistent/exp.yaml");
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.output, HasSubstr("/nonexistent/exp.yaml"));
}

TEST(Cli, TrainsTheMagicExampleForTwoEpochs) {
  TUNELAB_REQUIRE_DATASET("magic04");
  const auto out = test::scratchDir("cli-magic");
  const CommandRun run =
      tunelab("train " + (test::sourceDir() / "experiments/configs/magic.yaml").string() +
              " --set train.epochs=2 --data-dir " +
              test::datasetFile("magic04").parent_path().string() + " -o " + out.string());
  EXPECT_EQ(run.code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("Epoch 2/2"));
  EXPECT_TRUE(std::filesystem::exists(out / "history.csv"));
}

}  // namespace
}  // namespace tunelab
