#include "experiments/cli/BestCommand.h"

#include <ostream>

#include "experiments/cli/ExitCode.h"
#include "experiments/report/ResultsTable.h"

namespace tunelab {

int runBest(const StudyLocation& where, std::size_t count, std::ostream& out, std::ostream& err) {
  return readStudy(where, err, [&](StoredStudy& s) {
    out << formatBestTrials(s.trials(), s.spec, count);
    return kExitOk;
  });
}

}  // namespace tunelab
