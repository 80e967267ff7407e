// The study report.html embeds: one JSON element the page's script draws from. No value from
// the study can close that element or start markup, and the numbers the charts draw are the
// trials' own.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "experiments/report/HtmlReport.h"
#include "experiments/report/ReportData.h"
#include "tests/support/ReportPage.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kHostile =
    "</script><script>alert(1)</script><!-- & \xE2\x80\xA8 \xE2\x80\xA9 '\"`";

TEST(ScriptSafeJson, NoValueCanCloseTheElementAndEveryValueReadsBack) {
  const nlohmann::json value = {{kHostile, kHostile}, {"list", {kHostile, 1.5}}};
  const std::string text = scriptSafeJson(value);
  EXPECT_EQ(text.find_first_of("<>&"), std::string::npos) << text;
  EXPECT_EQ(text.find("\xE2\x80\xA8"), std::string::npos) << "U+2028 ends a line in old JS";
  EXPECT_EQ(text.find("\xE2\x80\xA9"), std::string::npos);
  EXPECT_THAT(text, HasSubstr("\\u003c/script\\u003e"));
  EXPECT_EQ(nlohmann::json::parse(text), value);
}

TEST(ScriptSafeJson, InvalidUtf8FromAFailingProgramBecomesAReplacementCharacter) {
  const std::string text = scriptSafeJson({{"error", std::string("bad \xFF byte")}});
  EXPECT_EQ(nlohmann::json::parse(text).at("error"), "bad \xEF\xBF\xBD byte");
}

TEST(ParamLabel, MappingsAndListsReadAsPeopleWriteThem) {
  EXPECT_EQ(paramLabel(nlohmann::json::parse(R"({"type": "adam", "learning_rate": 0.001})")),
            "adam(learning_rate=0.001)");
  EXPECT_EQ(paramLabel(nlohmann::json::parse(R"({"name": "sgd", "momentum": 0.9,
                                                  "nesterov": true})")),
            "sgd(momentum=0.9, nesterov=true)");
  EXPECT_EQ(paramLabel(nlohmann::json::parse(R"({"units": 64, "rate": 0.2})")),
            "rate=0.2, units=64");
  EXPECT_EQ(paramLabel(nlohmann::json::parse(R"([64, 32, "relu"])")), "[64, 32, relu]");
  EXPECT_EQ(paramLabel("he_normal"), "he_normal");
  EXPECT_EQ(paramLabel(nullptr), "");
}

StudySpec twoTrialStudy() {
  StudySpec spec;
  spec.name = kHostile;
  spec.metric.name = "val_loss";
  spec.execution.backends = {"reference"};
  return spec;
}

std::vector<ReportTrial> twoTrials() {
  ReportTrial done;
  done.record.id = 0;
  done.record.backend = "reference";
  done.record.status = TrialStatus::Complete;
  done.record.value = 0.25;
  done.record.bestEpoch = 2;
  // A parameter named like the report's own columns stays a parameter.
  done.record.params = {{"epochs", 7}, {"optimizer", {{"type", "adam"}, {"learning_rate", 0.01}}}};
  done.record.finalValues = {{"val_loss", 0.25}, {"test_accuracy", 0.875}};
  done.epochs = {
      {1, {{"loss", 1.0 / 3.0}, {"val_loss", 0.5}}, 0.01, 0.5},
      {2, {{"loss", std::numeric_limits<double>::infinity()}, {"val_loss", 0.25}}, 0.01, 0.25},
      {3, {{"loss", 0.125}}, 0.01, 0.25}};
  ReportTrial failed;
  failed.record.id = 1;
  failed.record.backend = "reference";
  failed.record.status = TrialStatus::Failed;
  failed.record.params = {{kHostile, kHostile}};
  failed.record.error = "cannot run '" + kHostile + "'";
  return {done, failed};
}

TEST(ReportData, HoldsEveryTrialWithItsCurvesParametersAndError) {
  const nlohmann::json data = reportData(twoTrialStudy(), twoTrials(), std::nullopt);
  ASSERT_EQ(data.at("trials").size(), 2U);
  const auto& done = data.at("trials")[0];
  EXPECT_EQ(done.at("status"), "complete");
  EXPECT_EQ(done.at("value"), 0.25);
  EXPECT_EQ(done.at("best_epoch"), 2);
  EXPECT_EQ(done.at("params").at("epochs"), 7) << "a number stays a number";
  EXPECT_EQ(done.at("epochs"), 0) << "tunelab's own field, apart from the parameter";
  EXPECT_EQ(done.at("params").at("optimizer"), "adam(learning_rate=0.01)");
  EXPECT_EQ(done.at("at_best").at("test_accuracy"), 0.875);
  const auto& curves = done.at("curves");
  EXPECT_EQ(curves.at("epoch"), nlohmann::json({1, 2, 3}));
  // 6 significant digits; a non-finite value and a value an epoch lacks are null.
  EXPECT_EQ(curves.at("values").at("loss"), nlohmann::json::parse("[0.333333, null, 0.125]"));
  EXPECT_EQ(curves.at("values").at("val_loss"), nlohmann::json::parse("[0.5, 0.25, null]"));
  const auto& failed = data.at("trials")[1];
  EXPECT_EQ(failed.at("status"), "failed");
  EXPECT_TRUE(failed.at("value").is_null());
  EXPECT_EQ(failed.at("error"), "cannot run '" + kHostile + "'");
  EXPECT_EQ(failed.at("params").at(kHostile), kHostile);
  EXPECT_EQ(data.at("study"), kHostile);
  EXPECT_TRUE(data.at("live").is_null());
}

TEST(ReportData, ALiveStudySaysWhoRunsItAndHowOftenThePageReloads) {
  const LiveStatus live{{4242, "vm", "2026-11-30 19:20:01 UTC"}, 3, 54, 12.5};
  const nlohmann::json data = reportData(twoTrialStudy(), twoTrials(), live);
  EXPECT_EQ(data.at("live").at("reload_seconds"), 3);
  EXPECT_EQ(data.at("live").at("expected_trials"), 54);
  EXPECT_THAT(data.at("live").at("owner").get<std::string>(), HasSubstr("pid 4242 on host vm"));
}

TEST(HtmlReportPage, HostileTextsInjectNothingAndTheEmbeddedStudyReadsBack) {
  const std::string html = renderHtmlReport(twoTrialStudy(), twoTrials());
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, Not(HasSubstr("<!-- &")));
  // The page's own three: the data, the charting library and the report's script.
  std::size_t scripts = 0;
  for (auto at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1))
    ++scripts;
  EXPECT_EQ(scripts, 3U);
  EXPECT_THAT(html, HasSubstr("<h1>Study &lt;/script&gt;&lt;script&gt;alert(1)"));
  EXPECT_THAT(html, HasSubstr("Content-Security-Policy\" content=\"default-src 'none'"));
  const nlohmann::json data = test::reportDataOf(html);
  EXPECT_EQ(data.at("trials")[1].at("error"), "cannot run '" + kHostile + "'");
  EXPECT_EQ(data.at("study"), kHostile);
}

}  // namespace
}  // namespace tunelab
