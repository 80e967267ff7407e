#include "experiments/objective/ChildProcess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/ProcessTree.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX declares it nowhere

namespace tunelab {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kStderrKept = 4096;
constexpr int kStderrLines = 10;
constexpr auto kGracePeriod = std::chrono::seconds(2);
constexpr auto kObserveEvery = std::chrono::milliseconds(200);
constexpr std::size_t kStderrLineKept = 300;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~Fd() { reset(); }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read;
  Fd write;
};

Pipe makePipe() {
  std::array<int, 2> fds{};
  // Close-on-exec, so a child started at the same time by another thread does not inherit
  // this pipe and keep it open after ours has exited.
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) return {};
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  return {Fd(fds[0]), Fd(fds[1])};
}

std::vector<std::string> environmentFor(const ChildCommand& command) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos && command.environment.contains(entry.substr(0, eq))) continue;
    env.push_back(entry);
  }
  for (const auto& [name, value] : command.environment) env.push_back(name + "=" + value);
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Whether the child has exited, without reaping it: its process group id stays ours until
// it is reaped, so the group can still be killed safely.
bool hasExited(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

// A line as a terminal would show it (what follows its last carriage return, as a progress
// bar redraws itself), cut to a bounded length.
std::string shownLine(std::string_view line) {
  if (const auto cr = line.rfind('\r'); cr != std::string_view::npos) line.remove_prefix(cr + 1);
  if (line.size() <= kStderrLineKept) return std::string(line);
  return std::string(line.substr(0, kStderrLineKept)) + "...";
}

// The last lines of `text`, each bounded.
std::string lastLines(const std::string& text) {
  std::vector<std::string_view> lines;
  std::string_view rest(text);
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r')) rest.remove_suffix(1);
  while (!rest.empty() && lines.size() < static_cast<std::size_t>(kStderrLines)) {
    const auto newline = rest.rfind('\n');
    const std::size_t begin = newline == std::string_view::npos ? 0 : newline + 1;
    lines.push_back(rest.substr(begin));
    rest = rest.substr(0, newline == std::string_view::npos ? 0 : newline);
  }
  std::string out;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (!out.empty()) out += '\n';
    out += shownLine(*it);
  }
  return out;
}

// The file `program` names: itself when it holds a '/', else the first executable of that
// name in PATH (the child's PATH when the command sets one). Empty with `error` set when none.
std::string resolveProgram(const ChildCommand& command, const std::string& program,
                           std::string& error) {
  if (program.find('/') != std::string::npos) return program;
  const auto pathEntry = command.environment.find("PATH");
  const char* inherited = std::getenv("PATH");
  std::string path = pathEntry != command.environment.end() ? pathEntry->second
                     : inherited != nullptr                 ? inherited
                                                            : "/usr/local/bin:/usr/bin:/bin";
  int firstErrno = ENOENT;
  for (std::size_t begin = 0; begin <= path.size();) {
    auto end = path.find(':', begin);
    if (end == std::string::npos) end = path.size();
    const std::string dir = end == begin ? "." : path.substr(begin, end - begin);
    std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) {
      return candidate;
    }
    if (errno == EACCES) firstErrno = EACCES;
    begin = end + 1;
  }
  error = "cannot run '" + program + "': " + std::strerror(firstErrno);
  return {};
}

// In the forked child, before exec: only async-signal-safe calls. Its own session; default
// signal dispositions and an empty mask; stdin from /dev/null; the memory limit.
[[noreturn]] void execInChild(const std::string& file, char* const* argv, char* const* envp,
                              const ChildCommand& command, int out, int err, int status) {
  ::setsid();
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction byDefault {};
  byDefault.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &byDefault, nullptr);
  const int devNull = ::open("/dev/null", O_RDONLY);
  if (devNull >= 0) ::dup2(devNull, 0);
  ::dup2(out, 1);
  ::dup2(err, 2);
  if (command.memoryLimitBytes) {
    const rlimit limit{*command.memoryLimitBytes, *command.memoryLimitBytes};
    ::setrlimit(RLIMIT_DATA, &limit);
  }
  ::execve(file.c_str(), argv, envp);
  const int error = errno;
  [[maybe_unused]] const auto written = ::write(status, &error, sizeof error);
  ::_exit(127);
}

// Starts the program in its own session with stdin from /dev/null and stdout/stderr into the
// pipes; returns its pid, or 0 with `error` set.
pid_t spawn(const ChildCommand& command, const std::vector<std::string>& environment,
            const Pipe& out, const Pipe& err, std::string& error) {
  if (command.argv.empty()) {
    error = "cannot run an empty command";
    return 0;
  }
  const std::string file = resolveProgram(command, command.argv[0], error);
  if (file.empty()) return 0;
  std::vector<std::string> argv = command.argv;
  std::vector<std::string> env = environment;
  auto argvPointers = pointers(argv);
  auto envPointers = pointers(env);
  Pipe status = makePipe();  // the child's exec errno, or end of file when exec worked
  if (status.read.get() < 0) {
    error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return 0;
  }
  ::fcntl(status.read.get(), F_SETFL, 0);  // blocking: wait for the exec
  const pid_t pid = ::fork();
  if (pid == 0) {
    execInChild(file, argvPointers.data(), envPointers.data(), command, out.write.get(),
                err.write.get(), status.write.get());
  }
  if (pid < 0) {
    error = std::string("cannot start a process: ") + std::strerror(errno);
    return 0;
  }
  status.write.reset();
  int execErrno = 0;
  ssize_t n = 0;
  while ((n = ::read(status.read.get(), &execErrno, sizeof execErrno)) < 0 && errno == EINTR) {
  }
  if (n <= 0) return pid;
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  error = "cannot run '" + command.argv[0] + "': " + std::strerror(execErrno);
  return 0;
}

// What the child writes: stdout cut into lines for `onLine`, the end of stderr kept.
class ChildOutput {
 public:
  ChildOutput(Pipe out, Pipe err, const std::function<bool(std::string_view)>& onLine,
              std::size_t longestLine)
      : out_(std::move(out.read)),
        err_(std::move(err.read)),
        onLine_(onLine),
        longestLine_(longestLine) {}

  bool open() const { return out_.get() >= 0 || err_.get() >= 0; }
  // Waits up to `timeoutMs` for output, then reads all there is.
  void poll(int timeoutMs) {
    std::array<pollfd, 2> fds{pollfd{out_.get(), POLLIN, 0}, pollfd{err_.get(), POLLIN, 0}};
    ::poll(fds.data(), fds.size(), timeoutMs);
    drainAll();
  }
  void drainAll() {
    if (out_.get() >= 0) drain(out_, true);
    if (err_.get() >= 0) drain(err_, false);
  }
  // The last line when it has no newline; returns whether onLine asked to stop.
  void flushLastLine() {
    if (!pendingLine_.empty() && !stopped_ && !onLine_(pendingLine_)) stopped_ = true;
  }
  bool stopped() const { return stopped_; }
  std::string stderrTail() const { return lastLines(stderr_); }

 private:
  void drain(Fd& fd, bool isStdout) {
    std::array<char, 65536> buffer{};
    for (;;) {
      const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
      if (n > 0) {
        const std::string_view chunk(buffer.data(), static_cast<std::size_t>(n));
        isStdout ? addStdout(chunk) : addStderr(chunk);
        continue;
      }
      if (n == 0) fd.reset();  // end of file: every writer closed it
      if (n < 0 && errno == EINTR) continue;
      return;
    }
  }
  void addStderr(std::string_view chunk) {
    stderr_.append(chunk);
    if (stderr_.size() > 2 * kStderrKept) stderr_.erase(0, stderr_.size() - kStderrKept);
  }
  void addStdout(std::string_view chunk) {
    while (!chunk.empty()) {
      const auto newline = chunk.find('\n');
      const std::size_t room = longestLine_ + 1 - std::min(pendingLine_.size(), longestLine_ + 1);
      pendingLine_.append(chunk.substr(0, std::min(newline, room)));
      if (newline == std::string_view::npos) return;
      if (!stopped_ && !onLine_(pendingLine_)) stopped_ = true;
      pendingLine_.clear();
      chunk.remove_prefix(newline + 1);
    }
  }

  Fd out_;
  Fd err_;
  const std::function<bool(std::string_view)>& onLine_;
  std::size_t longestLine_;
  std::string pendingLine_;
  std::string stderr_;
  bool stopped_ = false;
};

// Reads the child's output until it exits; past the time limit, or once asked to stop, its
// group gets SIGTERM, then SIGKILL after a grace period.
void superviseUntilExit(pid_t pid, const ChildCommand& command, ChildOutput& output,
                        ChildProcessTree& tree, const std::function<bool()>& cancelled,
                        ChildExit& result) {
  const auto started = Clock::now();
  auto lastObserved = Clock::time_point();
  Clock::time_point killDeadline = Clock::time_point::max();
  int killSignal = 0;
  for (bool exited = false; !exited;) {
    if (output.open()) {
      output.poll(20);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    exited = hasExited(pid);
    const auto now = Clock::now();
    if (now - lastObserved > kObserveEvery) {
      tree.observe();
      lastObserved = now;
    }
    if (killSignal == 0) {
      if (command.timeout && now - started > *command.timeout) result.timedOut = true;
      if (output.stopped() || (cancelled && cancelled())) result.stopped = true;
      if (result.timedOut || result.stopped) {
        killSignal = SIGTERM;
        ::kill(-pid, SIGTERM);
        killDeadline = now + kGracePeriod;
      }
    } else if (killSignal == SIGTERM && now > killDeadline) {
      killSignal = SIGKILL;
      ::kill(-pid, SIGKILL);
    }
  }
}

void reap(pid_t pid, ChildExit& result) {
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.peakMemoryKiB = usage.ru_maxrss;
}

}  // namespace

ChildExit runChild(const ChildCommand& command, const std::function<bool(std::string_view)>& onLine,
                   const std::function<bool()>& cancelled) {
  ChildExit result;
  const auto started = Clock::now();
  becomeSubreaper();
  Pipe out = makePipe();
  Pipe err = makePipe();
  if (out.read.get() < 0 || err.read.get() < 0) {
    result.error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return result;
  }
  // Every process the child starts inherits this entry unless it clears its environment: an
  // orphan re-parented to us is known as this child's by it.
  const std::string marker = newChildMarker();
  std::vector<std::string> environment = environmentFor(command);
  environment.push_back(marker);
  const pid_t pid = spawn(command, environment, out, err, result.error);
  out.write.reset();
  err.write.reset();
  if (pid == 0) return result;
  result.started = true;
  ChildProcessTree tree(pid, marker);
  ChildOutput output(std::move(out), std::move(err), onLine, command.longestLine);
  superviseUntilExit(pid, command, output, tree, cancelled, result);
  // What is left of its session and everything it started, also what left the session or was
  // orphaned; a grandchild that keeps a pipe open is killed here and does not make us wait.
  ::kill(-pid, SIGKILL);
  tree.killAll();
  output.drainAll();
  output.flushLastLine();
  result.stopped = result.stopped || output.stopped();
  reap(pid, result);
  result.stderrTail = output.stderrTail();
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

std::string describeExit(const ChildExit& exit) {
  if (!exit.started) return exit.error;
  if (exit.signal != 0) {
    return "killed by signal " + std::to_string(exit.signal) + " (" + ::strsignal(exit.signal) +
           ")";
  }
  return "exited with status " + std::to_string(exit.exitCode);
}

}  // namespace tunelab
