#include "experiments/cli/StoredStudy.h"

#include <ostream>

#include "core/Error.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/config/Overrides.h"
#include "experiments/config/YamlDocument.h"

namespace tunelab {

namespace {

bool isDatabase(const std::filesystem::path& path) {
  const auto ext = path.extension().string();
  return ext == ".db" || ext == ".sqlite" || ext == ".sqlite3";
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
  if (isDatabase(where.path)) {
    opened.store.emplace(where.path);
    opened.owner = StudyLock::liveOwner(where.path);
    const YamlDocument document = YamlDocument::parse(opened.store->experimentText(),
                                                      where.path.string() + " (stored experiment)");
    opened.spec = parseStudySpec(document.root(), document.keysInFileOrder("search.parameters"));
    resolveAutoBackend(opened);
    return;
  }
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
