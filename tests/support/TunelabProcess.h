#pragma once

// The `tunelab` executable as a user runs it: arguments, working directory, exit code, stdout
// and stderr apart. Tests that go through it depend on nothing but the command line and the
// files it writes.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace tunelab::test {

struct ProcessResult {
  int code = -1;  // the exit status, or 128 + the signal that ended the process
  std::string out;
  std::string err;
};

/// A `tunelab` process started in the background.
class TunelabProcess {
 public:
  /// Starts `tunelab arguments...` in `workingDirectory`, stdin from /dev/null.
  TunelabProcess(const std::vector<std::string>& arguments,
                 const std::filesystem::path& workingDirectory);
  ~TunelabProcess();
  TunelabProcess(const TunelabProcess&) = delete;
  TunelabProcess& operator=(const TunelabProcess&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  /// True once the process has ended (it is not reaped: wait() still gives its result).
  [[nodiscard]] bool ended() const;
  /// Waits for the process to end and returns what it printed.
  ProcessResult wait();

 private:
  pid_t pid_ = -1;
  std::filesystem::path out_;
  std::filesystem::path err_;
};

/// Runs `tunelab arguments...` in `workingDirectory` and waits for it.
ProcessResult runTunelab(const std::vector<std::string>& arguments,
                         const std::filesystem::path& workingDirectory);

/// The whole text of a file ("" when it does not exist).
std::string readText(const std::filesystem::path& file);

/// A CSV file without quoted fields, as rows of cells (the header first).
std::vector<std::vector<std::string>> readCsvCells(const std::filesystem::path& file);

}  // namespace tunelab::test
