#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
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

/// One SQLite connection. Errors throw tunelab::Error naming the database file.
class SqliteDatabase {
 public:
  explicit SqliteDatabase(const std::filesystem::path& file);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  void execute(std::string_view sql);
  SqlStatement prepare(std::string_view sql) { return {db_, sql}; }
  const std::filesystem::path& file() const { return file_; }
  sqlite3* handle() { return db_; }

 private:
  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

/// BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed without commit().
class SqlTransaction {
 public:
  explicit SqlTransaction(SqliteDatabase& db);
  ~SqlTransaction();
  SqlTransaction(const SqlTransaction&) = delete;
  SqlTransaction& operator=(const SqlTransaction&) = delete;
  void commit();

 private:
  SqliteDatabase& db_;
  bool open_ = true;
};

}  // namespace tunelab
