// report.html shows texts that come from the user and from failing programs: parameter values
// and error messages. They reach the page only inside its escaped JSON element (the page's
// script puts them in as text), never as markup. The browser side: tests/browser/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/ReportPage.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

// The program is a parameter: "sh" runs program.sh; the other value is no program at all, so
// its trials fail with an error that quotes it.
constexpr const char* kStudy = R"(name: escaping
objective: {command: [$program, program.sh, $x]}
search:
  strategy: grid
  metric: loss
  parameters:
    program: {values: [sh, "<script>alert('x')</script>&\"q\""]}
    x: {values: [1, 2]}
execution: {storage: study.db, output: out, parallel_trials: 1}
)";

TEST(HtmlReport, ParameterValuesAndErrorsAreEscapedAsText) {
  const auto dir = test::scratchDir("html-report-escaping");
  std::ofstream(dir / "exp.yaml") << kStudy;
  std::ofstream(dir / "program.sh") << "echo \"{\\\"loss\\\": $1}\"\n";
  const test::ProcessResult run = test::runTunelab({"run", "exp.yaml"}, dir);
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("Trials: 2 complete 2 failed"));
  const std::string html = test::readText(dir / "out" / "report.html");
  ASSERT_FALSE(html.empty());

  const std::string value = R"(<script>alert('x')</script>&"q")";
  EXPECT_EQ(html.find(value), std::string::npos) << "the raw value is nowhere in the page";
  EXPECT_EQ(html.find("<script>alert"), std::string::npos) << "no injected script element";
  // The value in the parameters of both failed trials, and in their error, as the study has
  // them once the page's script reads its data.
  const nlohmann::json data = test::reportDataOf(html);
  int failed = 0;
  for (const auto& trial : data.at("trials")) {
    if (trial.at("status") != "failed") continue;
    ++failed;
    EXPECT_EQ(trial.at("params").at("program"), value);
    EXPECT_EQ(trial.at("error"), "cannot run '" + value + "': No such file or directory");
  }
  EXPECT_EQ(failed, 2);
}

}  // namespace
}  // namespace tunelab
