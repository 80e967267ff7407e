// `tunelab export --format png`: the report's charts as images, drawn by headless Chromium from
// the same page. Skipped where Chromium is not installed (scripts/setup installs it), and under
// the sanitizers (Chromium's start-ups would cost minutes for no instrumented code).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>

#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

// A grid of 3 x 3 over a command objective with 4 epochs: every chart of a study has data.
constexpr const char* kStudy = R"(name: png-export
objective: {command: [sh, program.sh, $x, $y]}
search:
  strategy: grid
  metric: loss
  parameters:
    x: {values: [1, 2, 3]}
    y: {values: [a, b, c]}
execution: {storage: study.db, output: out, parallel_trials: 2}
)";

constexpr const char* kProgram = R"(w=1; [ "$2" = b ] && w=3; [ "$2" = c ] && w=2
for e in 1 2 3 4; do echo "{\"loss\": $(( ($1 * 7 + w * 5) * 10 / e ))}"; done
)";

bool haveChromium() {
  for (const char* dir : {"/usr/bin/", "/usr/local/bin/"}) {
    for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
      if (std::filesystem::exists(std::string(dir) + name)) return true;
    }
  }
  return false;
}

struct PngSize {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// Width and height from a PNG's IHDR chunk; zero when the file is no PNG.
PngSize pngSize(const std::filesystem::path& file) {
  const std::string bytes = test::readText(file);
  if (bytes.size() < 24 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return {};
  auto be32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  return {be32(16), be32(20)};
}

class PngExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::kSanitized) GTEST_SKIP() << "Chromium's start-ups are slow for nothing here";
    if (!haveChromium()) GTEST_SKIP() << "no Chromium (apt-get install chromium)";
    dir_ = test::scratchDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::ofstream(dir_ / "exp.yaml") << kStudy;
    std::ofstream(dir_ / "program.sh") << kProgram;
  }
  std::filesystem::path dir_;
};

TEST_F(PngExportTest, EveryChartOfTheReportIsAPngAsWideAsThePage) {
  ASSERT_EQ(test::runTunelab({"run", "exp.yaml"}, dir_).code, 0);
  const auto exported = test::runTunelab({"export", "exp.yaml", "--format", "png"}, dir_);
  ASSERT_EQ(exported.code, 0) << exported.err;
  EXPECT_THAT(exported.out, HasSubstr("to plots:"));
  std::map<std::string, PngSize> sizes;
  for (const auto& entry : std::filesystem::directory_iterator(dir_ / "plots")) {
    sizes[entry.path().filename().string()] = pngSize(entry.path());
  }
  for (const char* chart :
       {"history.png", "importance.png", "effects.png", "parallel.png", "curves.png"}) {
    ASSERT_TRUE(sizes.contains(chart)) << chart;
    EXPECT_EQ(sizes[chart].width, 1280U) << chart;
    EXPECT_GT(sizes[chart].height, 150U) << chart;
    EXPECT_THAT(exported.out, HasSubstr(chart));
    // A blank image of this size compresses to a few kilobytes; a drawn chart does not.
    EXPECT_GT(std::filesystem::file_size(dir_ / "plots" / chart), 12000U) << chart;
  }
  EXPECT_FALSE(sizes.contains("trials.png")) << "the table is no chart";
  EXPECT_EQ(sizes.size(), 5U) << "only charts; the page Chromium drew from is removed";
}

TEST_F(PngExportTest, AWrittenReportOfTrainIsDrawnToo) {
  test::writeSeparableCsv(dir_ / "toy.csv", 200);
  std::ofstream(dir_ / "train.yaml")
      << "name: toy\ndata: {source: toy.csv, target: label}\n"
         "model:\n  layers: [{type: dense, units: 8, activation: relu},"
         " {type: dense, units: 1, activation: sigmoid}]\n"
         "  loss: binary_crossentropy\n  metrics: [accuracy]\ntrain: {epochs: 4}\n";
  const auto trained = test::runTunelab({"train", "train.yaml", "-o", "trained"}, dir_);
  ASSERT_EQ(trained.code, 0) << trained.err;
  const auto exported = test::runTunelab(
      {"export", "trained/report.html", "--format", "png", "-o", "train-plots"}, dir_);
  ASSERT_EQ(exported.code, 0) << exported.err;
  EXPECT_EQ(pngSize(dir_ / "train-plots" / "training.png").width, 1280U) << exported.out;
}

TEST_F(PngExportTest, WithoutChromiumTheMessageSaysWhatToInstall) {
  ASSERT_EQ(test::runTunelab({"run", "exp.yaml"}, dir_).code, 0);
  ::setenv("TUNELAB_CHROMIUM", (dir_ / "no-such-browser").c_str(), 1);
  const auto exported = test::runTunelab({"export", "exp.yaml", "--format", "png"}, dir_);
  ::unsetenv("TUNELAB_CHROMIUM");
  EXPECT_EQ(exported.code, 2);
  EXPECT_THAT(exported.err, HasSubstr("headless Chromium, which was not found"));
  EXPECT_THAT(exported.err, HasSubstr("no-such-browser"));
  EXPECT_THAT(exported.err, HasSubstr("apt-get install chromium"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "plots" / ".report-for-png.html"));
}

}  // namespace
}  // namespace tunelab
