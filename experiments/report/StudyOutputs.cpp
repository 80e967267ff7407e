#include "experiments/report/StudyOutputs.h"

#include <ostream>

#include "experiments/files/AtomicFile.h"
#include "experiments/report/HtmlReport.h"
#include "experiments/report/ResultsTable.h"

namespace tunelab {

void writeStudyOutputs(std::ostream& out, const StudySpec& study, StudyStore& store,
                       const std::vector<TrialRecord>& trials) {
  out << "\n" << formatBestTrials(trials, study, 5);
  writeResultsCsv(study.execution.output / "results.csv", trials, &study);
  writeFileAtomically(study.execution.output / "report.html",
                      [&](std::ostream& html) { writeHtmlReport(html, study, store); });
}

}  // namespace tunelab
