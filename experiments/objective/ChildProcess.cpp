#include "experiments/objective/ChildProcess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX declares it nowhere

namespace tunelab {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kStderrKept = 4096;
constexpr int kStderrLines = 10;
constexpr auto kGracePeriod = std::chrono::seconds(2);

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

std::string lastLines(const std::string& text) {
  std::size_t end = text.size();
  while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r')) --end;
  std::size_t begin = end;
  int lines = 0;
  while (begin > 0) {
    if (text[begin - 1] == '\n' && ++lines == kStderrLines) break;
    --begin;
  }
  return text.substr(begin, end - begin);
}

// Starts the program in its own process group with stdin from /dev/null and stdout/stderr
// into the pipes; returns its pid, or 0 with `error` set.
pid_t spawn(const ChildCommand& command, const Pipe& out, const Pipe& err, std::string& error) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err.write.get(), 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t all;
  sigset_t none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<std::string> argv = command.argv;
  std::vector<std::string> env = environmentFor(command);
  auto argvPointers = pointers(argv);
  auto envPointers = pointers(env);
  pid_t pid = 0;
  const int spawned = argv.empty() ? EINVAL
                                   : ::posix_spawnp(&pid, argv[0].c_str(), &actions, &attributes,
                                                    argvPointers.data(), envPointers.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned == 0) return pid;
  error =
      "cannot run '" + (argv.empty() ? std::string() : argv[0]) + "': " + std::strerror(spawned);
  return 0;
}

// What the child writes: stdout cut into lines for `onLine`, the end of stderr kept.
class ChildOutput {
 public:
  ChildOutput(Pipe out, Pipe err, const std::function<bool(std::string_view)>& onLine)
      : out_(std::move(out.read)), err_(std::move(err.read)), onLine_(onLine) {}

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
    pendingLine_.append(chunk);
    std::size_t newline = 0;
    while ((newline = pendingLine_.find('\n')) != std::string::npos) {
      const std::string line = pendingLine_.substr(0, newline);
      pendingLine_.erase(0, newline + 1);
      if (!stopped_ && !onLine_(line)) stopped_ = true;
    }
  }

  Fd out_;
  Fd err_;
  const std::function<bool(std::string_view)>& onLine_;
  std::string pendingLine_;
  std::string stderr_;
  bool stopped_ = false;
};

// Reads the child's output until it exits; past the time limit, or once asked to stop, its
// group gets SIGTERM, then SIGKILL after a grace period.
void superviseUntilExit(pid_t pid, const ChildCommand& command, ChildOutput& output,
                        const std::function<bool()>& cancelled, ChildExit& result) {
  const auto started = Clock::now();
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
  Pipe out = makePipe();
  Pipe err = makePipe();
  if (out.read.get() < 0 || err.read.get() < 0) {
    result.error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return result;
  }
  const pid_t pid = spawn(command, out, err, result.error);
  out.write.reset();
  err.write.reset();
  if (pid == 0) return result;
  result.started = true;
  ChildOutput output(std::move(out), std::move(err), onLine);
  superviseUntilExit(pid, command, output, cancelled, result);
  // The rest of what it wrote before exiting; a grandchild that keeps a pipe open is killed
  // with the group below and does not make us wait.
  output.drainAll();
  output.flushLastLine();
  result.stopped = result.stopped || output.stopped();
  ::kill(-pid, SIGKILL);
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
