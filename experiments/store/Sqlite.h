#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tunelab {

/// A prepared statement, reset for reuse. Columns are 0-based; bind indices 1-based.
class SqlStatement {
 public:
  SqlStatement(sqlite3* db, std::string_view sql);
  ~SqlStatement();
  SqlStatement(const SqlStatement&) = delete;
  SqlStatement& operator=(const SqlStatement&) = delete;

  SqlStatement& bind(int index, std::int64_t value);
  SqlStatement& bind(int index, double value);
  SqlStatement& bind(int index, const std::string& value);
  SqlStatement& bindBlob(int index, const std::vector<std::uint8_t>& value);
  SqlStatement& bindNull(int index);
  /// Runs to completion (INSERT, UPDATE...). Throws on error.
  void run();
  /// Ready to run again: no row stepped, no value bound.
  void reset();
  /// Steps once; false when there is no more row.
  bool next();
  std::int64_t integer(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::vector<std::uint8_t> blob(int column) const;
  bool isNull(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
  bool done_ = false;
};

/// Refuses, before SQLite opens it, a file that cannot be a study database: a directory, or
/// not a regular file. Throws Error naming it; returns `file`. It only looks at the file's
/// status, never opens it: closing a descriptor of the file drops every POSIX lock this process
/// holds on it (fcntl locks belong to the process), an open connection's too. Seen when the live
/// report's thread read the header while the study wrote: other processes reading the study
/// found it malformed, its write-ahead log gone (StudyTest's kill test failed 3 of 3 runs). A
/// file that is not SQLite's is found by the first read (StudyStore).
const std::filesystem::path& checkStudyDatabaseFile(const std::filesystem::path& file);

/// One SQLite connection. Errors throw tunelab::Error naming the database file.
class SqliteDatabase {
 public:
  enum class Access : std::uint8_t { ReadWrite, ReadOnly };
  /// ReadWrite creates the file when it is missing; ReadOnly never writes, nor takes the
  /// write lock (a reader beside the process that writes).
  explicit SqliteDatabase(const std::filesystem::path& file, Access access = Access::ReadWrite);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  void execute(std::string_view sql);
  SqlStatement prepare(std::string_view sql) { return {db_, sql}; }
  /// The statement for `sql`, prepared once and reset for each use: for the statements a
  /// study runs per trial and per epoch. Valid until the next call with the same text.
  SqlStatement& cached(const std::string& sql);
  /// Whether a transaction is open (SqlTransaction then nests as a savepoint).
  bool inTransaction() const { return sqlite3_get_autocommit(db_) == 0; }
  const std::filesystem::path& file() const { return file_; }
  sqlite3* handle() { return db_; }

 private:
  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<SqlStatement>> statements_;
};

/// BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed without commit(). Inside another
/// transaction it is a savepoint of it: its commit() keeps its changes for the outer commit.
class SqlTransaction {
 public:
  explicit SqlTransaction(SqliteDatabase& db);
  ~SqlTransaction();
  SqlTransaction(const SqlTransaction&) = delete;
  SqlTransaction& operator=(const SqlTransaction&) = delete;
  void commit();

 private:
  SqliteDatabase& db_;
  bool nested_ = false;
  bool open_ = true;
};

}  // namespace tunelab
