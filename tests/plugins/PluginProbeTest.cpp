// A plugin is loaded first in a child process: one that exits, aborts, crashes or hangs while it
// loads or registers is refused with the file and what happened, and the others still load.
// The verdict is cached per file version, and a damaged cache only costs a new probe.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>

#include "plugins/PluginHost.h"
#include "plugins/ProbeCache.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using Mode = PluginProbeSettings::Mode;

// Short, so the hanging fixtures cost little; longer where sanitizers slow the probe's start.
constexpr std::chrono::milliseconds kProbeTestTimeout{test::kSanitized ? 8000 : 2000};

fs::path fatalFixtures() { return test::binaryDir() / "plugin-fixtures-fatal"; }
fs::path fatalFixture(const std::string& name) {
  return fatalFixtures() / ("libfixture_" + name + ".so");
}

std::string refusalOf(const PluginHost& host, const std::string& fileFragment) {
  for (const auto& p : host.problems()) {
    if (p.file.string().find(fileFragment) != std::string::npos) return p.reason;
  }
  return "not refused";
}

PluginProbeSettings settingsWithCache(const fs::path& cache, Mode mode = Mode::UseCache) {
  return PluginProbeSettings{.mode = mode, .timeout = kProbeTestTimeout, .cacheDirectory = cache};
}

// All the fatal fixtures loaded once per test process; the cache is shared by the processes
// ctest starts, so only the first waits for the hanging ones.
class FatalPlugins : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    host_ = new PluginHost(settingsWithCache(test::binaryDir() / "plugin-probe-test-cache"));
    const auto started = std::chrono::steady_clock::now();
    host_->loadDirectories({fatalFixtures()});
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  static void TearDownTestSuite() {
    delete host_;
    host_ = nullptr;
  }
  static PluginHost* host_;
  static double seconds_;
};
PluginHost* FatalPlugins::host_ = nullptr;
double FatalPlugins::seconds_ = 0;

TEST_F(FatalPlugins, ExitWithAStatusIsRefusedWithTheStatusAndStderr) {
  EXPECT_THAT(refusalOf(*host_, "ExitsOnRegister"),
              AllOf(HasSubstr("exit status 3"), HasSubstr("licence server unreachable")));
}

TEST_F(FatalPlugins, QuietExitZeroIsRefused) {
  EXPECT_THAT(refusalOf(*host_, "ExitsQuietlyOnRegister"),
              HasSubstr("exit status 0 before registration finished"));
}

TEST_F(FatalPlugins, AbortIsRefusedWithTheSignal) {
  EXPECT_THAT(refusalOf(*host_, "AbortsOnRegister"),
              AllOf(HasSubstr("signal 6 (Aborted)"), HasSubstr("'config != nullptr' failed")));
}

TEST_F(FatalPlugins, SegmentationFaultIsRefusedWithTheSignal) {
  // A sanitizer reports the fault itself (its stack ends the stderr tail) and exits with a
  // status of its own (AddressSanitizer's 1).
  const std::string refusal = refusalOf(*host_, "SegfaultsOnRegister");
  if (test::kSanitized) {
    EXPECT_THAT(refusal, AnyOf(HasSubstr("signal 11 (Segmentation fault)"),
                               HasSubstr("it ended the probe process")));
  } else {
    EXPECT_THAT(refusal, HasSubstr("signal 11 (Segmentation fault)"));
  }
}

TEST_F(FatalPlugins, HangIsRefusedAfterTheTimeLimit) {
  EXPECT_THAT(refusalOf(*host_, "HangsOnRegister"), HasSubstr("did not finish loading within"));
}

TEST_F(FatalPlugins, AbortInAStaticInitializerIsRefused) {
  EXPECT_THAT(refusalOf(*host_, "AbortsWhenLoaded"),
              AllOf(HasSubstr("signal 6"), HasSubstr("static initializer failed")));
}

TEST_F(FatalPlugins, AbortWhenUnloadedIsRefusedAndSaysSo) {
  EXPECT_THAT(refusalOf(*host_, "AbortsWhenUnloaded"),
              AllOf(HasSubstr("while it was unloaded"), HasSubstr("signal 6"),
                    HasSubstr("double free in the plugin's cleanup")));
}

TEST_F(FatalPlugins, ExceptionThroughNoexceptRegistrationIsRefusedWithItsMessage) {
  EXPECT_THAT(refusalOf(*host_, "ThrowsThroughNoexcept"),
              AllOf(HasSubstr("signal 6"), HasSubstr("cannot parse licence.json")));
}

TEST_F(FatalPlugins, BackgroundChildHoldingTheOutputDoesNotStallTheProbe) {
  EXPECT_THAT(refusalOf(*host_, "ForksAndHangs"), HasSubstr("did not finish loading within"));
  // Two hanging fixtures, each given the time limit once: never a wait for the grandchild.
  EXPECT_LT(seconds_, 2 * std::chrono::duration<double>(kProbeTestTimeout).count() + 10);
}

TEST_F(FatalPlugins, TheOthersStillLoadAndNothingOfTheRefusedIsRegistered) {
  EXPECT_TRUE(host_->layers().contains("healthy_neighbour"));
  EXPECT_EQ(host_->problems().size(), 10U);
  for (const auto& type : host_->layers().names()) {
    EXPECT_THAT(type, ::testing::Not(HasSubstr("never_registered"))) << type;
  }
}

// Seen: the probe's process group was killed, but a process the plugin started in a session
// of its own (setsid) outlived the probe.
TEST(PluginProbe, AProcessThePluginStartsInASessionOfItsOwnEndsWithTheProbe) {
  const auto dir = test::scratchDir("grandchild");
  const auto pidFile = dir / "grandchild.pid";
  ::setenv("TUNELAB_FIXTURE_PID_FILE", pidFile.c_str(), 1);
  PluginHost host(settingsWithCache(test::scratchDir("cache"), Mode::ProbeAgain));
  EXPECT_FALSE(host.loadFile(fatalFixture("LeavesAGrandchild")));
  ::unsetenv("TUNELAB_FIXTURE_PID_FILE");
  EXPECT_THAT(refusalOf(host, "LeavesAGrandchild"),
              AllOf(HasSubstr("exit status 3"), HasSubstr("helper started in its own session")));
  pid_t grandchild = 0;
  std::ifstream(pidFile) >> grandchild;
  ASSERT_GT(grandchild, 0) << "the plugin's helper process did not start";
  // Killed and reaped by the time the verdict is in: not even a zombie is left.
  const bool gone = ::kill(grandchild, 0) != 0 && errno == ESRCH;
  if (!gone) ::kill(grandchild, SIGKILL);
  EXPECT_TRUE(gone) << "process " << grandchild << " outlived the probe";
}

TEST(PluginProbe, VerdictIsCachedUntilTheFileChanges) {
  const auto dir = test::scratchDir("plugins");
  const auto cache = test::scratchDir("cache");
  fs::copy_file(fatalFixture("HealthyNeighbour"), dir / "libchanging.so");
  auto load = [&](std::size_t expectedProbes) {
    PluginHost host(settingsWithCache(cache));
    host.loadDirectories({dir});
    EXPECT_EQ(host.probesRun(), expectedProbes);
    return host.problems().empty() ? std::string("loaded") : host.problems()[0].reason;
  };
  EXPECT_EQ(load(1), "loaded");
  EXPECT_EQ(load(0), "loaded");
  fs::copy_file(fatalFixture("ExitsOnRegister"), dir / "libchanging.so",
                fs::copy_options::overwrite_existing);
  EXPECT_THAT(load(1), HasSubstr("exit status 3"));
  EXPECT_THAT(load(0), HasSubstr("exit status 3"));
}

TEST(PluginProbe, ProbeAgainIgnoresTheCachedVerdict) {
  const auto cache = test::scratchDir("cache");
  for (int run = 0; run < 2; ++run) {
    PluginHost host(settingsWithCache(cache, Mode::ProbeAgain));
    host.loadFile(fatalFixture("HealthyNeighbour"));
    EXPECT_EQ(host.probesRun(), 1U);
  }
}

TEST(PluginProbe, DamagedCacheEntriesAreProbedAgainAndRewritten) {
  const auto cache = test::scratchDir("cache");
  {
    PluginHost host(settingsWithCache(cache));
    host.loadFile(fatalFixture("AbortsOnRegister"));
  }
  const std::vector<std::string> damages{"", "tunelab plugin probe verdict 1\n99999999999\n",
                                         "tunelab plugin probe verdict 1\n3\nabc\n",
                                         std::string(100000, 'x')};
  for (const auto& damage : damages) {
    for (const auto& entry : fs::directory_iterator(cache)) {
      std::ofstream(entry.path(), std::ios::trunc) << damage;
    }
    PluginHost host(settingsWithCache(cache));
    host.loadFile(fatalFixture("AbortsOnRegister"));
    EXPECT_EQ(host.probesRun(), 1U);
    EXPECT_THAT(refusalOf(host, "AbortsOnRegister"), HasSubstr("signal 6"));
  }
  PluginHost again(settingsWithCache(cache));
  again.loadFile(fatalFixture("AbortsOnRegister"));
  EXPECT_EQ(again.probesRun(), 0U);
}

TEST(PluginProbe, CacheThatCannotBeWrittenOnlyCostsProbes) {
  const auto dir = test::scratchDir("not-a-directory");
  std::ofstream(dir / "file") << "a file where the cache directory would be\n";
  for (int run = 0; run < 2; ++run) {
    PluginHost host(settingsWithCache(dir / "file" / "cache"));
    EXPECT_TRUE(host.loadFile(fatalFixture("HealthyNeighbour")));
    EXPECT_EQ(host.probesRun(), 1U);
  }
}

TEST(PluginProbe, MissingProbeProgramRefusesAndIsNotCached) {
  const auto cache = test::scratchDir("cache");
  PluginProbeSettings broken = settingsWithCache(cache);
  broken.program = "/nonexistent/tunelab-plugin-probe";
  PluginHost host(broken);
  EXPECT_FALSE(host.loadFile(fatalFixture("HealthyNeighbour")));
  EXPECT_THAT(refusalOf(host, "HealthyNeighbour"),
              AllOf(HasSubstr("/nonexistent/tunelab-plugin-probe"), HasSubstr("No such file")));
  PluginHost repaired(settingsWithCache(cache));
  EXPECT_TRUE(repaired.loadFile(fatalFixture("HealthyNeighbour")));
}

TEST(PluginProbe, BundledPluginsLoadWithoutAProbe) {
  PluginHost host(settingsWithCache(test::scratchDir("cache")));
  host.loadDirectories(PluginHost::searchPath({}));
  EXPECT_TRUE(host.layers().contains("dense"));
  EXPECT_EQ(host.probesRun(), 0U);
  EXPECT_TRUE(fs::is_regular_file(PluginHost::probeProgram())) << PluginHost::probeProgram();
}

// The command line: `tunelab plugins` names each refused file and what happened; `run` warns
// with the same and goes on.
fs::path directoryOfFatalCopies() {
  auto dir = test::scratchDir("plugins");
  for (const auto* name : {"ExitsOnRegister", "AbortsOnRegister", "SegfaultsOnRegister",
                           "ExitsQuietlyOnRegister", "HealthyNeighbour"}) {
    fs::copy_file(fatalFixture(name), dir / fatalFixture(name).filename());
  }
  return dir;
}

TEST(PluginProbeCli, PluginsCommandNamesEachRefusedFileAndWhatHappened) {
  const auto dir = directoryOfFatalCopies();
  const auto result = test::runTunelab({"plugins", "--plugin-dir", dir.string()}, dir);
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("healthy-neighbour 1.0"));
  EXPECT_THAT(result.out, HasSubstr("libfixture_ExitsOnRegister.so: it ended the probe process"));
  EXPECT_THAT(result.out, HasSubstr("libfixture_AbortsOnRegister.so: it killed the probe process"));
  EXPECT_THAT(result.out, HasSubstr("libfixture_SegfaultsOnRegister.so: it "));
  EXPECT_THAT(result.out, HasSubstr("libfixture_ExitsQuietlyOnRegister.so: it ended"));
}

TEST(PluginProbeCli, RunWarnsAboutTheFileAndStillRuns) {
  const auto dir = directoryOfFatalCopies();
  std::ofstream(dir / "exp.yaml") << R"(name: probe-run
objective:
  command: [sh, -c, "echo '{\"loss\": $x}'"]
search:
  strategy: grid
  metric: loss
  parameters:
    x: {values: [1, 2]}
)";
  const auto result = test::runTunelab({"run", "exp.yaml", "--plugin-dir", dir.string()}, dir);
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_THAT(result.err, AllOf(HasSubstr("warning: plugin "),
                                HasSubstr("libfixture_ExitsOnRegister.so not loaded: it ended")));
}

}  // namespace
}  // namespace tunelab
