#include "experiments/cli/StoredStudy.h"

#include <ostream>

#include "core/Error.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/config/Overrides.h"
#include "experiments/config/YamlDocument.h"
#include "experiments/files/InputFile.h"
#include "experiments/store/Sqlite.h"

namespace tunelab {

namespace {

// By its extension, or for a database named otherwise by SQLite reading it. Never through a
// descriptor of its own: closing one drops this process's locks on the file, and the study may
// be running in this process (the Python module reads running studies).
bool isDatabase(const std::filesystem::path& path) {
  const auto ext = path.extension().string();
  if (ext == ".db" || ext == ".sqlite" || ext == ".sqlite3") return true;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) || std::filesystem::file_size(path, ec) < 100) {
    return false;  // SQLite's header alone is 100 bytes; an empty file would pass as a database
  }
  try {
    SqliteDatabase database(path, SqliteDatabase::Access::ReadOnly);
    return database.prepare("PRAGMA schema_version").next();
  } catch (const Error&) {
    return false;  // not a database
  }
}

// A study on `execution.backend: auto` ran on the backend recorded when it started.
void resolveAutoBackend(StoredStudy& opened) {
  auto& backends = opened.spec.execution.backends;
  if (backends.size() != 1 || backends.front() != kAutoBackend) return;
  if (auto chosen = opened.store->chosenBackend()) backends = {*chosen};
}

}  // namespace

void openStoredStudy(const StudyLocation& where, StoredStudy& opened) {
  if (!std::filesystem::exists(where.path)) {
    throw Error(where.path.string() + ": no such file");
  }
  if (std::filesystem::is_directory(where.path)) {
    throw Error(where.path.string() +
                ": is a directory; name the experiment file or the study database");
  }
  if (isDatabase(where.path)) {
    opened.store.emplace(where.path);
    opened.owner = StudyLock::liveOwner(where.path);
    const YamlDocument document = YamlDocument::parse(opened.store->experimentText(),
                                                      where.path.string() + " (stored experiment)");
    opened.spec = parseStudySpec(document.root(), document.keysInFileOrder("search.parameters"));
    resolveAutoBackend(opened);
    return;
  }
  checkInputFile(where.path, "experiment file", InputContent::Text);
  YamlDocument document = YamlDocument::load(where.path);
  applyOverrides(document, where.overrides);
  try {
    opened.spec = parseStudySpec(document.root(), document.keysInFileOrder("search.parameters"));
  } catch (const ConfigError& e) {
    throw Error(document.describe(e));
  }
  const auto& storage = opened.spec.execution.storage;
  if (!std::filesystem::exists(storage)) {
    throw Error("no study yet at " + storage.string() + " (execution.storage of " +
                where.path.string() + "): run it with tunelab run " + where.path.string());
  }
  opened.store.emplace(storage);
  opened.owner = StudyLock::liveOwner(storage);
  resolveAutoBackend(opened);
}

std::vector<TrialRecord> StoredStudy::trials() {
  auto all = store->trials();
  for (auto& t : all) {
    if (t.status != TrialStatus::Running) continue;
    if (owner) {
      t.epochs = static_cast<int>(store->epochs(t.id, t.backend).size());
    } else {
      t.status = TrialStatus::Interrupted;
    }
  }
  return all;
}

int readStudy(const StudyLocation& where, std::ostream& err,
              const std::function<int(StoredStudy&)>& body) {
  try {
    StoredStudy study;
    openStoredStudy(where, study);
    return body(study);
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
}

}  // namespace tunelab
