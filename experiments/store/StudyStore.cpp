#include "experiments/store/StudyStore.h"

#include <algorithm>
#include <cmath>

#include "core/Error.h"
#include "experiments/store/CheckpointCodec.h"

namespace tunelab {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS study (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL,
  experiment TEXT NOT NULL,
  space TEXT NOT NULL,
  config TEXT NOT NULL,
  created TEXT NOT NULL DEFAULT (datetime('now')),
  strategy_state TEXT);
CREATE TABLE IF NOT EXISTS trials (
  id INTEGER NOT NULL,
  backend TEXT NOT NULL,
  params TEXT NOT NULL,
  budget INTEGER NOT NULL,
  resume_from INTEGER,
  status TEXT NOT NULL,
  value REAL,
  seed INTEGER NOT NULL,
  epochs INTEGER NOT NULL DEFAULT 0,
  best_epoch INTEGER NOT NULL DEFAULT 0,
  seconds REAL NOT NULL DEFAULT 0,
  peak_memory_kib INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  final_values TEXT NOT NULL DEFAULT '{}',
  started TEXT NOT NULL DEFAULT (datetime('now')),
  finished TEXT,
  PRIMARY KEY (id, backend));
CREATE TABLE IF NOT EXISTS epochs (
  trial INTEGER NOT NULL,
  backend TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  seconds REAL NOT NULL,
  learning_rate REAL NOT NULL,
  vals TEXT NOT NULL,
  PRIMARY KEY (trial, backend, epoch));
CREATE TABLE IF NOT EXISTS checkpoints (
  trial INTEGER NOT NULL,
  backend TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (trial, backend));
CREATE TABLE IF NOT EXISTS progress (
  trial INTEGER NOT NULL,
  backend TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (trial, backend));
CREATE TABLE IF NOT EXISTS best_model (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  trial INTEGER NOT NULL,
  backend TEXT NOT NULL,
  weights BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS choices (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL);
)sql";

// PRAGMA user_version of a store this tunelab writes; a larger one is a newer tunelab's.
constexpr std::int64_t kStoreSchemaVersion = 1;

// The tables of the database, by name.
std::vector<std::string> tablesOf(SqliteDatabase& db) {
  std::vector<std::string> names;
  auto select = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  while (select.next()) names.push_back(select.text(0));
  return names;
}

// An SQLite database of something else, or of a newer tunelab: refused before anything in it
// is changed. Returns the store's schema version (0: a new store, or one from before it had one).
std::int64_t checkStudySchema(SqliteDatabase& db) {
  std::vector<std::string> tables;
  try {
    tables = tablesOf(db);
  } catch (const Error&) {
    if ((sqlite3_extended_errcode(db.handle()) & 0xff) != SQLITE_NOTADB) throw;
    throw Error("study database " + db.file().string() +
                ": not a tunelab study database (not an SQLite file); if it was a study, its "
                "header is damaged: restore a copy");
  }
  const bool isStudy = std::find(tables.begin(), tables.end(), "study") != tables.end();
  if (!tables.empty() && !isStudy) {
    std::string names;
    for (const auto& t : tables) names += (names.empty() ? "" : ", ") + t;
    throw Error("study database " + db.file().string() +
                ": an SQLite database, but not a tunelab study database (its tables: " + names +
                ")");
  }
  auto version = db.prepare("PRAGMA user_version");
  const std::int64_t found = version.next() ? version.integer(0) : 0;
  if (found > kStoreSchemaVersion) {
    throw Error("study database " + db.file().string() +
                ": written by a newer tunelab (store schema " + std::to_string(found) +
                "; this tunelab reads up to " + std::to_string(kStoreSchemaVersion) +
                "): open it with that version");
  }
  return found;
}

bool hasColumn(SqliteDatabase& db, const std::string& table, const std::string& column) {
  auto info = db.prepare("PRAGMA table_info(" + table + ")");
  while (info.next()) {
    if (info.text(1) == column) return true;
  }
  return false;
}

}  // namespace

std::string_view trialStatusName(TrialStatus status) {
  switch (status) {
    case TrialStatus::Running:
      return "running";
    case TrialStatus::Complete:
      return "complete";
    case TrialStatus::Failed:
      return "failed";
    case TrialStatus::Pruned:
      return "pruned";
    case TrialStatus::Interrupted:
      return "interrupted";
  }
  return "unknown";
}

TrialStatus parseTrialStatus(const std::string& name) {
  for (auto s : {TrialStatus::Running, TrialStatus::Complete, TrialStatus::Failed,
                 TrialStatus::Pruned, TrialStatus::Interrupted}) {
    if (trialStatusName(s) == name) return s;
  }
  throw Error("unknown trial status '" + name + "' in the study database");
}

StudyStore::StudyStore(const std::filesystem::path& file) : db_(checkStudyDatabaseFile(file)) {
  const std::int64_t schemaVersion = checkStudySchema(db_);
  db_.execute("PRAGMA journal_mode=WAL");
  // FULL: a trial reported finished is on disk, even if the machine loses power after.
  db_.execute("PRAGMA synchronous=FULL");
  db_.execute(kSchema);
  // Stores made before trials recorded their thread count.
  if (!hasColumn(db_, "trials", "threads")) {
    db_.execute("ALTER TABLE trials ADD COLUMN threads INTEGER NOT NULL DEFAULT 0");
  }
  // Stores made before studies of several objectives (a JSON list; NULL: one objective).
  if (!hasColumn(db_, "trials", "objective_values")) {
    db_.execute("ALTER TABLE trials ADD COLUMN objective_values TEXT");
  }
  // Stores made before studies ran on MPI ranks (NULL: the trial ran in the study's process).
  if (!hasColumn(db_, "trials", "rank")) {
    db_.execute(
        "ALTER TABLE trials ADD COLUMN rank INTEGER; "
        "ALTER TABLE trials ADD COLUMN host TEXT NOT NULL DEFAULT ''");
  }
  if (schemaVersion < kStoreSchemaVersion) {
    db_.execute("PRAGMA user_version = " + std::to_string(kStoreSchemaVersion));
  }
}

StudyStore::StudyStore(const std::filesystem::path& file, Reading)
    : db_(file, SqliteDatabase::Access::ReadOnly) {
  checkStudySchema(db_);
}

StudyStore StudyStore::forReading(const std::filesystem::path& file) { return {file, Reading{}}; }

StudyStore::Snapshot::Snapshot(StudyStore& store) : db_(store.db_) { db_.execute("BEGIN"); }

StudyStore::Snapshot::~Snapshot() {
  sqlite3_exec(db_.handle(), "COMMIT", nullptr, nullptr, nullptr);  // it changed nothing
}

bool StudyStore::openStudy(const std::string& name, const std::string& experimentText,
                           const std::string& spaceFingerprint,
                           const std::string& configFingerprint, bool replace) {
  SqlTransaction transaction(db_);
  auto select = db_.prepare("SELECT space, config FROM study WHERE id = 1");
  if (select.next() && !replace) {
    if (select.text(0) != spaceFingerprint) {
      throw Error("study database " + db_.file().string() +
                  " holds a study with another search space; its finished trials would not "
                  "fit this one. Run with --new-study to start over (the old trials are "
                  "deleted), or give execution.storage another file");
    }
    if (select.text(1) != configFingerprint) {
      throw Error("study database " + db_.file().string() +
                  " holds a study whose data, model, train, search or seed settings differ "
                  "from this file's; resuming would mix results. Run with --new-study to start "
                  "over, or give execution.storage another file");
    }
    transaction.commit();
    return true;
  }
  db_.execute(
      "DELETE FROM epochs; DELETE FROM trials; DELETE FROM checkpoints; DELETE FROM best_model; "
      "DELETE FROM progress; DELETE FROM choices; "
      "DELETE FROM study;");
  db_.prepare("INSERT INTO study (id, name, experiment, space, config) VALUES (1, ?, ?, ?, ?)")
      .bind(1, name)
      .bind(2, experimentText)
      .bind(3, spaceFingerprint)
      .bind(4, configFingerprint)
      .run();
  transaction.commit();
  return false;
}

void StudyStore::saveStrategyState(const nlohmann::json& state) {
  if (state.is_null()) return;
  db_.cached("UPDATE study SET strategy_state = ? WHERE id = 1").bind(1, state.dump()).run();
}

void StudyStore::addTrials(const std::vector<TrialRecord>& trials,
                           const nlohmann::json& strategyState) {
  syncEachCommit(true);
  SqlTransaction transaction(db_);
  auto insert = [&](const TrialRecord& t) {
    auto& statement = db_.cached(
        "INSERT OR REPLACE INTO trials (id, backend, params, budget, resume_from, status, seed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    statement.bind(1, std::int64_t{t.id})
        .bind(2, t.backend)
        .bind(3, t.params.dump())
        .bind(4, std::int64_t{t.budget});
    if (t.resumeFrom) {
      statement.bind(5, std::int64_t{*t.resumeFrom});
    } else {
      statement.bindNull(5);
    }
    statement.bind(6, std::string(trialStatusName(t.status)))
        .bind(7, static_cast<std::int64_t>(t.seed))
        .run();
  };
  for (const auto& t : trials) insert(t);
  saveStrategyState(strategyState);
  transaction.commit();
}

void StudyStore::addEpochs(const std::vector<TrialEpoch>& epochs) {
  if (epochs.empty()) return;
  syncEachCommit(false);
  SqlTransaction transaction(db_);
  for (const auto& [id, backend, record] : epochs) {
    db_.cached(
           "INSERT OR REPLACE INTO epochs (trial, backend, epoch, seconds, learning_rate, vals) "
           "VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, std::int64_t{id})
        .bind(2, backend)
        .bind(3, std::int64_t{record.epoch})
        .bind(4, record.seconds)
        .bind(5, record.learningRate)
        .bind(6, nlohmann::json(record.values).dump())
        .run();
  }
  transaction.commit();
}

void StudyStore::finishTrial(const TrialRecord& t, const nlohmann::json& strategyState,
                             const Checkpoint* checkpoint, const ModelWeights* bestWeights) {
  syncEachCommit(true);
  SqlTransaction transaction(db_);
  db_.cached("DELETE FROM progress WHERE trial = ? AND backend = ?")
      .bind(1, std::int64_t{t.id})
      .bind(2, t.backend)
      .run();
  if (bestWeights != nullptr) {
    db_.prepare(
           "INSERT OR REPLACE INTO best_model (id, trial, backend, weights) VALUES (1, ?, ?, ?)")
        .bind(1, std::int64_t{t.id})
        .bind(2, t.backend)
        .bindBlob(3, encodeWeights(*bestWeights))
        .run();
  }
  if (checkpoint != nullptr) {
    db_.prepare("INSERT OR REPLACE INTO checkpoints (trial, backend, data) VALUES (?, ?, ?)")
        .bind(1, std::int64_t{t.id})
        .bind(2, t.backend)
        .bindBlob(3, encodeCheckpoint(*checkpoint))
        .run();
  }
  auto& statement = db_.cached(
      "UPDATE trials SET status = ?, value = ?, epochs = ?, best_epoch = ?, seconds = ?, "
      "peak_memory_kib = ?, error = ?, final_values = ?, threads = ?, objective_values = ?, "
      "rank = ?, host = ?, finished = datetime('now') WHERE id = ? AND backend = ?");
  statement.bind(1, std::string(trialStatusName(t.status)));
  if (t.value) {
    statement.bind(2, *t.value);
  } else {
    statement.bindNull(2);
  }
  statement.bind(3, std::int64_t{t.epochs})
      .bind(4, std::int64_t{t.bestEpoch})
      .bind(5, t.seconds)
      .bind(6, t.peakMemoryKiB)
      .bind(7, t.error)
      .bind(8, t.finalValues.dump())
      .bind(9, std::int64_t{t.threads});
  if (t.objectives.empty()) {
    statement.bindNull(10);
  } else {
    statement.bind(10, nlohmann::json(t.objectives).dump());
  }
  if (t.rank) {
    statement.bind(11, std::int64_t{*t.rank});
  } else {
    statement.bindNull(11);
  }
  statement.bind(12, t.host).bind(13, std::int64_t{t.id}).bind(14, t.backend).run();
  saveStrategyState(strategyState);
  transaction.commit();
}

void StudyStore::markInterrupted(const std::vector<std::pair<TrialId, std::string>>& trials) {
  syncEachCommit(true);
  SqlTransaction transaction(db_);
  for (const auto& [id, backend] : trials) {
    db_.prepare("UPDATE trials SET status = 'interrupted' WHERE id = ? AND backend = ?")
        .bind(1, std::int64_t{id})
        .bind(2, backend)
        .run();
  }
  transaction.commit();
}

std::optional<nlohmann::json> StudyStore::strategyState() {
  auto select = db_.prepare("SELECT strategy_state FROM study WHERE id = 1");
  if (!select.next() || select.isNull(0)) return std::nullopt;
  return nlohmann::json::parse(select.text(0));
}

Checkpoint StudyStore::checkpoint(TrialId id, const std::string& backend) {
  auto select = db_.prepare("SELECT data FROM checkpoints WHERE trial = ? AND backend = ?");
  select.bind(1, std::int64_t{id}).bind(2, backend);
  if (!select.next()) {
    throw Error("study database " + db_.file().string() + " has no checkpoint of trial " +
                std::to_string(id) + " (" + backend + ") to resume from");
  }
  return decodeCheckpoint(select.blob(0));
}

std::string StudyStore::experimentText() {
  auto select = db_.prepare("SELECT experiment FROM study WHERE id = 1");
  if (!select.next()) throw Error("study database " + db_.file().string() + " holds no study");
  return select.text(0);
}

std::optional<std::string> StudyStore::chosenBackend() {
  auto select = db_.prepare("SELECT value FROM choices WHERE key = 'backend'");
  if (select.next()) return select.text(0);
  // A study stored before the choice was recorded: the backend its trials ran on.
  auto ran = db_.prepare("SELECT DISTINCT backend FROM trials");
  std::optional<std::string> backend;
  while (ran.next()) {
    if (backend) return std::nullopt;
    backend = ran.text(0);
  }
  return backend;
}

void StudyStore::recordChosenBackend(const std::string& backend) {
  syncEachCommit(true);
  db_.prepare("INSERT OR REPLACE INTO choices (key, value) VALUES ('backend', ?)")
      .bind(1, backend)
      .run();
}

std::optional<std::string> StudyStore::autoStrategy() {
  auto select = db_.prepare("SELECT value FROM choices WHERE key = 'strategy'");
  if (select.next()) return select.text(0);
  if (db_.prepare("SELECT 1 FROM study WHERE id = 1").next()) return "grid";
  return std::nullopt;
}

void StudyStore::recordChosenStrategy(const std::string& strategy) {
  db_.prepare("INSERT OR REPLACE INTO choices (key, value) VALUES ('strategy', ?)")
      .bind(1, strategy)
      .run();
}

void StudyStore::forEachTrial(const std::function<void(TrialRecord&&)>& visit) {
  auto select = db_.prepare(
      "SELECT id, backend, params, budget, resume_from, status, value, seed, epochs, best_epoch, "
      "seconds, peak_memory_kib, error, final_values, threads, objective_values, rank, host "
      "FROM trials "
      "ORDER BY id, backend");
  while (select.next()) {
    TrialRecord t;
    t.id = select.integer(0);
    t.backend = select.text(1);
    t.params = nlohmann::json::parse(select.text(2));
    t.budget = static_cast<int>(select.integer(3));
    if (!select.isNull(4)) t.resumeFrom = select.integer(4);
    t.status = parseTrialStatus(select.text(5));
    if (!select.isNull(6)) t.value = select.real(6);
    t.seed = static_cast<std::uint64_t>(select.integer(7));
    t.epochs = static_cast<int>(select.integer(8));
    t.bestEpoch = static_cast<int>(select.integer(9));
    t.seconds = select.real(10);
    t.peakMemoryKiB = select.integer(11);
    t.error = select.text(12);
    t.finalValues = nlohmann::json::parse(select.text(13));
    t.threads = static_cast<int>(select.integer(14));
    if (!select.isNull(15)) {
      t.objectives = nlohmann::json::parse(select.text(15)).get<std::vector<double>>();
    }
    if (!select.isNull(16)) t.rank = static_cast<int>(select.integer(16));
    t.host = select.text(17);
    visit(std::move(t));
  }
}

std::vector<TrialRecord> StudyStore::trials() {
  std::vector<TrialRecord> out;
  forEachTrial([&out](TrialRecord&& t) { out.push_back(std::move(t)); });
  return out;
}

std::vector<EpochRecord> StudyStore::epochs(TrialId id, const std::string& backend) {
  auto select = db_.prepare(
      "SELECT epoch, seconds, learning_rate, vals FROM epochs WHERE trial = ? AND backend = ? "
      "ORDER BY epoch");
  select.bind(1, std::int64_t{id}).bind(2, backend);
  std::vector<EpochRecord> out;
  while (select.next()) {
    EpochRecord r;
    r.epoch = static_cast<int>(select.integer(0));
    r.seconds = select.real(1);
    r.learningRate = select.real(2);
    // JSON has no NaN: a diverged epoch's loss is stored as null.
    const auto values = nlohmann::json::parse(select.text(3));
    for (const auto& [name, value] : values.items()) {
      r.values[name] = value.is_number() ? value.get<double>() : std::nan("");
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string StudyStore::integrityCheck() {
  auto select = db_.prepare("PRAGMA integrity_check");
  return select.next() ? select.text(0) : "no answer";
}

std::optional<StoredWeights> StudyStore::bestModel() {
  auto select = db_.prepare("SELECT trial, backend, weights FROM best_model WHERE id = 1");
  if (!select.next()) return std::nullopt;
  return StoredWeights{select.integer(0), select.text(1), decodeWeights(select.blob(2))};
}

void StudyStore::saveProgress(TrialId id, const std::string& backend,
                              const Checkpoint& checkpoint) {
  syncEachCommit(false);
  db_.cached("INSERT OR REPLACE INTO progress (trial, backend, data) VALUES (?, ?, ?)")
      .bind(1, std::int64_t{id})
      .bind(2, backend)
      .bindBlob(3, encodeCheckpoint(checkpoint))
      .run();
}

std::optional<Checkpoint> StudyStore::progress(TrialId id, const std::string& backend) {
  auto select = db_.prepare("SELECT data FROM progress WHERE trial = ? AND backend = ?");
  select.bind(1, std::int64_t{id}).bind(2, backend);
  if (!select.next()) return std::nullopt;
  return decodeCheckpoint(select.blob(0));
}

void StudyStore::clearEpochsAfter(TrialId id, const std::string& backend, int epoch) {
  db_.prepare("DELETE FROM epochs WHERE trial = ? AND backend = ? AND epoch > ?")
      .bind(1, std::int64_t{id})
      .bind(2, backend)
      .bind(3, std::int64_t{epoch})
      .run();
}

void StudyStore::syncEachCommit(bool sync) {
  // With WAL, a killed process loses no committed transaction either way; synchronous=FULL
  // also makes a commit survive a power cut. Epochs and progress checkpoints do without it (a
  // trial they belong to runs again); the next synced commit syncs them too. A group's
  // commit is synced (Group), whatever it holds.
  if (sync == synced_ || db_.inTransaction()) return;
  db_.execute(sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  synced_ = sync;
}

StudyStore::Group::Group(StudyStore& store) : transaction_(store.syncedDatabase()) {}

void StudyStore::Group::commit() { transaction_.commit(); }

}  // namespace tunelab
