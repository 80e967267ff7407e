#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/Error.h"

namespace tunelab {

/// The `tunelab run` process that owns a study, as its lock file records it.
struct StudyOwner {
  long pid = 0;
  std::string host;
  std::string started;  // UTC, "2026-11-30 19:20:01 UTC"

  /// "pid 1234 on host vm, started 2026-11-30 19:20:01 UTC".
  std::string describe() const;
};

/// A study owned by another live process: nothing was changed.
class StudyBusy : public Error {
 public:
  StudyBusy(const std::filesystem::path& database, StudyOwner owner);
  ~StudyBusy() override;
  const StudyOwner& owner() const { return owner_; }

 private:
  StudyOwner owner_;
};

/// Ownership of a study database by one process: a lock on the file beside it
/// (`<database>.lock`), an open-file-description lock (fcntl F_OFD_SETLK) that the kernel
/// releases when the process ends, however it ends (SIGKILL, a crash), so a lock is never
/// stale. The file records the owner (pid, host, start time) for the messages; a clean end
/// empties it, so an owner still recorded when the lock is free ended without finishing.
class StudyLock {
 public:
  /// Takes the lock of `database`, or throws StudyBusy naming its live owner (Error when the
  /// lock file cannot be opened or the file system has no locks).
  explicit StudyLock(const std::filesystem::path& database);
  ~StudyLock();
  StudyLock(const StudyLock&) = delete;
  StudyLock& operator=(const StudyLock&) = delete;

  /// The owner recorded by a run that ended without releasing the study (killed), if any.
  const std::optional<StudyOwner>& takenOverFrom() const { return takenOverFrom_; }
  /// This process, as the lock file records it.
  const StudyOwner& owner() const { return owner_; }

  /// The process that owns `database` now, if a live one does. Takes no lock (a run starting
  /// at the same moment is not disturbed).
  static std::optional<StudyOwner> liveOwner(const std::filesystem::path& database);

  /// `<database>.lock`.
  static std::filesystem::path lockFile(const std::filesystem::path& database);

 private:
  int fd_ = -1;
  std::optional<StudyOwner> takenOverFrom_;
  StudyOwner owner_;
};

}  // namespace tunelab
