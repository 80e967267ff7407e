#pragma once

namespace tunelab {

/// The exit codes of the tunelab command (documented in docs/cli.md).
enum ExitCode : int {
  kExitOk = 0,
  kExitInternal = 1,         // a bug or an unexpected system failure
  kExitBadInput = 2,         // command line, experiment file or data set
  kExitDiverged = 3,         // training ended because the loss became NaN or infinite
  kExitOutput = 4,           // results could not be written (read-only, disk full)
  kExitNoCompleteTrial = 5,  // a study ended with no complete trial (every trial failed)
  kExitStudyBusy = 75,       // another running `tunelab run` owns the study (EX_TEMPFAIL)
  kExitInterrupted = 130,    // stopped by SIGINT/SIGTERM; running the same command resumes
};

}  // namespace tunelab
