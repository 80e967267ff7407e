#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "experiments/config/StudySpec.h"
#include "experiments/store/StudyLock.h"
#include "experiments/store/StudyStore.h"

namespace tunelab {

/// Which study a read-only command looks at: an experiment file (its execution.storage, with
/// --set overrides applied) or a study database file directly.
struct StudyLocation {
  std::filesystem::path path;          // exp.yaml or study.db
  std::vector<std::string> overrides;  // --set key=value
};

/// A stored study and its settings. A database given directly is read with the settings
/// stored in it (the experiment file it was run from).
struct StoredStudy {
  StudySpec spec;
  std::optional<StudyStore> store;
  std::optional<StudyOwner> owner;  // the live `tunelab run` that owns the study, if one does

  /// The trials as they are now: with a live owner, a running trial counts the epochs it has
  /// stored so far; without one, a trial left running by a run that ended is interrupted.
  std::vector<TrialRecord> trials();
};

/// Throws Error saying what is missing (the file, or a study not run yet).
void openStoredStudy(const StudyLocation& where, StoredStudy& opened);

/// Runs a read-only command's body; an Error becomes "error: ..." on `err` and exit code 2.
int readStudy(const StudyLocation& where, std::ostream& err,
              const std::function<int(StoredStudy&)>& body);

}  // namespace tunelab
