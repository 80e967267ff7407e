// report.html shows texts that come from the user and from failing programs: parameter values
// and error messages. They appear as text, never as markup (the report runs no scripts).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

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
  const std::string escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;q&quot;";
  EXPECT_EQ(html.find(value), std::string::npos) << "the raw value is nowhere in the page";
  EXPECT_EQ(html.find("<script"), std::string::npos) << "no script element";
  // The value in the parameter column of both failed trials, and in their error.
  EXPECT_EQ(occurrences(html, "<td>" + escaped + "</td>"), 2U);
  EXPECT_EQ(occurrences(html, "<td class=\"error\">cannot run &#39;" + escaped +
                                  "&#39;: No such file or directory</td>"),
            2U);
}

}  // namespace
}  // namespace tunelab
