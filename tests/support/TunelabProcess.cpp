#include "tests/support/TunelabProcess.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <sstream>

#include "tests/support/TestData.h"

namespace tunelab::test {

namespace {

std::filesystem::path outputFile(const char* stream) {
  static std::atomic<int> counter{0};
  return std::filesystem::temp_directory_path() / ("tunelab-test-" + std::to_string(getpid()) +
                                                   "-" + std::to_string(counter++) + "." + stream);
}

}  // namespace

TunelabProcess::TunelabProcess(const std::vector<std::string>& arguments,
                               const std::filesystem::path& workingDirectory)
    : out_(outputFile("out")), err_(outputFile("err")) {
  const std::string exe = tunelabExecutable().string();
  std::vector<std::string> argv{exe};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  std::vector<char*> pointers;
  pointers.reserve(argv.size() + 1);
  for (auto& a : argv) pointers.push_back(a.data());
  pointers.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    if (chdir(workingDirectory.c_str()) != 0) _exit(126);
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execv(exe.c_str(), pointers.data());
    _exit(127);
  }
}

TunelabProcess::~TunelabProcess() {
  if (pid_ > 0) wait();
}

bool TunelabProcess::ended() const {
  siginfo_t info{};
  waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
  return info.si_pid != 0;
}

ProcessResult TunelabProcess::wait() {
  ProcessResult result;
  int status = 0;
  if (waitpid(pid_, &status, 0) == pid_) {
    result.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  pid_ = -1;
  result.out = readText(out_);
  result.err = readText(err_);
  std::filesystem::remove(out_);
  std::filesystem::remove(err_);
  return result;
}

ProcessResult runTunelab(const std::vector<std::string>& arguments,
                         const std::filesystem::path& workingDirectory) {
  return TunelabProcess(arguments, workingDirectory).wait();
}

std::string readText(const std::filesystem::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::vector<std::string>> readCsvCells(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::istringstream fields(line);
    for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(std::move(cells));
  }
  return rows;
}

}  // namespace tunelab::test
