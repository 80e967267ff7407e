#include "experiments/store/Sqlite.h"

#include <cstring>
#include <string_view>

#include "core/Error.h"

namespace tunelab {

namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  const char* file = sqlite3_db_filename(db, "main");
  std::string message = "study database";
  if (file != nullptr && *file != '\0') message += " " + std::string(file);
  const int code = sqlite3_extended_errcode(db);
  const int primary = code & 0xff;
  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
    throw Error(message + ": not a sound tunelab study database (SQLite: " + sqlite3_errmsg(db) +
                "): the file is damaged or is something else; name another execution.storage "
                "or restore a copy");
  }
  if (primary == SQLITE_FULL || primary == SQLITE_IOERR) {
    // A full disk (ENOSPC) or a file size limit (EFBIG): the transaction rolled back, so the
    // store holds everything committed before it.
    const int error = sqlite3_system_errno(db);
    const std::string cause = error != 0               ? std::strerror(error)
                              : primary == SQLITE_FULL ? "the disk is full"
                                                       : "a write failed: the disk may be full or "
                                                         "the file over its size limit";
    message += ": cannot write (" + cause +
               "); everything stored before is intact: free space and run the same command "
               "again to resume";
    throw Error(message);
  }
  message += ": " + what + ": " + sqlite3_errmsg(db);
  if (code == SQLITE_READONLY || (code & 0xff) == SQLITE_READONLY || code == SQLITE_CANTOPEN) {
    message += " (check that the file and its directory are writable)";
  }
  throw Error(message);
}

}  // namespace

SqlStatement::SqlStatement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &statement_, nullptr) !=
      SQLITE_OK) {
    fail(db, "cannot prepare '" + std::string(sql.substr(0, 40)) + "'");
  }
}

SqlStatement::~SqlStatement() { sqlite3_finalize(statement_); }

SqlStatement& SqlStatement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
  return *this;
}
SqlStatement& SqlStatement::bind(int index, double value) {
  sqlite3_bind_double(statement_, index, value);
  return *this;
}
SqlStatement& SqlStatement::bind(int index, const std::string& value) {
  sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
  return *this;
}
SqlStatement& SqlStatement::bindBlob(int index, const std::vector<std::uint8_t>& value) {
  sqlite3_bind_blob(statement_, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
  return *this;
}
SqlStatement& SqlStatement::bindNull(int index) {
  sqlite3_bind_null(statement_, index);
  return *this;
}

void SqlStatement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
  done_ = false;
}

void SqlStatement::run() {
  while (next()) {
  }
}

bool SqlStatement::next() {
  if (done_) return false;
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  done_ = true;
  if (rc != SQLITE_DONE) fail(db_, "cannot write");
  return false;
}

std::int64_t SqlStatement::integer(int column) const {
  return sqlite3_column_int64(statement_, column);
}
double SqlStatement::real(int column) const { return sqlite3_column_double(statement_, column); }
std::string SqlStatement::text(int column) const {
  const auto* p = sqlite3_column_text(statement_, column);
  return p == nullptr
             ? std::string()
             : std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}
std::vector<std::uint8_t> SqlStatement::blob(int column) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_, column));
  const auto n = static_cast<std::size_t>(sqlite3_column_bytes(statement_, column));
  return p == nullptr ? std::vector<std::uint8_t>() : std::vector<std::uint8_t>(p, p + n);
}
bool SqlStatement::isNull(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

const std::filesystem::path& checkStudyDatabaseFile(const std::filesystem::path& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (!fs::exists(status)) return file;  // created on open
  if (fs::is_directory(status)) {
    throw Error("study database " + file.string() + ": is a directory, not a study database");
  }
  if (!fs::is_regular_file(status)) {
    throw Error("study database " + file.string() + ": is not a regular file");
  }
  return file;
}

SqliteDatabase::SqliteDatabase(const std::filesystem::path& file, Access access) : file_(file) {
  const int flags = access == Access::ReadOnly ? SQLITE_OPEN_READONLY
                                               : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error("study database " + file.string() + ": cannot open: " + why +
                " (check that the directory exists and is writable)");
  }
  sqlite3_busy_timeout(db_, 5000);
}

SqliteDatabase::~SqliteDatabase() {
  statements_.clear();  // finalized before the connection closes
  sqlite3_close(db_);
}

void SqliteDatabase::execute(std::string_view sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string what = message != nullptr ? message : "";
    sqlite3_free(message);
    fail(db_, "'" + std::string(sql.substr(0, 40)) + "' failed (" + what + ")");
  }
}

SqlStatement& SqliteDatabase::cached(const std::string& sql) {
  auto& statement = statements_[sql];
  if (!statement) {
    statement = std::make_unique<SqlStatement>(db_, sql);
  } else {
    statement->reset();
  }
  return *statement;
}

SqlTransaction::SqlTransaction(SqliteDatabase& db) : db_(db), nested_(db.inTransaction()) {
  db_.execute(nested_ ? "SAVEPOINT nested" : "BEGIN IMMEDIATE");
}

SqlTransaction::~SqlTransaction() {
  if (!open_) return;
  sqlite3_exec(db_.handle(), nested_ ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK", nullptr,
               nullptr, nullptr);
}

void SqlTransaction::commit() {
  db_.execute(nested_ ? "RELEASE nested" : "COMMIT");
  open_ = false;
}

}  // namespace tunelab
