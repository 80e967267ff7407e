#include "experiments/cli/StatusCommand.h"

#include <ostream>

#include "experiments/cli/ExitCode.h"
#include "experiments/report/ResultsTable.h"

namespace tunelab {

int runStatus(const StudyLocation& where, std::ostream& out, std::ostream& err) {
  return readStudy(where, err, [&](StoredStudy& s) {
    const auto trials = s.store->trials();
    out << "Study '" << s.spec.name << "' (" << s.spec.strategy << ") in "
        << s.store->file().string() << "\n";
    out << formatBestTrials(trials, s.spec, 1);
    int unfinished = 0;
    for (const auto& t : trials) {
      unfinished += t.status == TrialStatus::Running || t.status == TrialStatus::Interrupted;
    }
    if (unfinished > 0) {
      out << unfinished << " trials did not finish; tunelab run resumes them\n";
    }
    return kExitOk;
  });
}

}  // namespace tunelab
