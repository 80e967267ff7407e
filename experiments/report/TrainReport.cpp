#include "experiments/report/TrainReport.h"

#include <sstream>

#include "experiments/cli/Version.h"
#include "experiments/report/HtmlReport.h"
#include "experiments/report/HtmlText.h"

namespace tunelab {

namespace {

std::string summaryHtml(const TrainedForReport& model) {
  std::ostringstream html;
  html << "<p>Trained on " << escapeHtml(model.backend) << ": "
       << escapeHtml(fitStatusName(model.fit->status)) << " after " << model.fit->history.size()
       << " epochs";
  if (!model.fit->message.empty()) html << " (" << escapeHtml(model.fit->message) << ")";
  html << "; the model keeps the weights of epoch " << model.fit->bestEpoch << ".</p>\n";
  if (!model.test.empty()) {
    html << "<p class=\"best\">Test:";
    for (const auto& [name, value] : model.test) {
      html << " " << escapeHtml(name) << " <b>" << formatNumber(value, 5) << "</b>";
    }
    html << "</p>\n";
  }
  html << "<details open><summary>Model</summary><pre>" << escapeHtml(model.summary)
       << "</pre></details>\n";
  return html.str();
}

}  // namespace

std::string renderTrainReport(const TrainedForReport& model) {
  ReportTrial trial;
  trial.record.backend = model.backend;
  trial.record.status = TrialStatus::Complete;
  trial.record.bestEpoch = model.fit->bestEpoch;
  trial.record.epochs = static_cast<int>(model.fit->history.size());
  for (const auto& [name, value] : model.test) trial.record.finalValues["test_" + name] = value;
  trial.epochs = model.fit->history;
  const auto kept = static_cast<std::size_t>(model.fit->bestEpoch);
  if (kept >= 1 && kept <= trial.epochs.size()) {
    const auto& values = trial.epochs[kept - 1].values;
    if (const auto it = values.find("val_loss"); it != values.end())
      trial.record.value = it->second;
  }
  StudySpec spec;
  spec.name = model.name;
  spec.metric.name = "val_loss";
  spec.execution.backends = {model.backend};
  nlohmann::json data = reportData(spec, {trial}, std::nullopt);
  data["mode"] = "train";
  return reportPage("Model " + model.name, summaryHtml(model), data);
}

}  // namespace tunelab
