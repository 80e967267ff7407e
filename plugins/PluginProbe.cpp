#include "plugins/PluginProbe.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "core/ProcessTree.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX declares it nowhere

namespace tunelab {

namespace fs = std::filesystem;

namespace {

using ProbeClock = std::chrono::steady_clock;
constexpr std::size_t kProbeStderrKept = 4096;
constexpr int kProbeStderrLines = 3;
constexpr std::size_t kProbeStderrLineChars = 240;
constexpr auto kProbeObserveEvery = std::chrono::milliseconds(50);

// Both ends close-on-exec, so no other child started meanwhile inherits them; the read end is
// non-blocking, so draining never waits for a grandchild that keeps the write end open.
struct ProbePipe {
  int read = -1;
  int write = -1;
  bool open() {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) return false;
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
    read = fds[0];
    write = fds[1];
    return true;
  }
  void closeWrite() {
    if (write >= 0) ::close(write);
    write = -1;
  }
  ~ProbePipe() {
    closeWrite();
    if (read >= 0) ::close(read);
  }
};

// The child's process: started in a new process group, stdin from /dev/null, `marker` added
// to its environment (what it starts is known by it).
pid_t spawnProbe(const fs::path& program, const fs::path& plugin, const std::string& marker,
                 const ProbePipe& out, const ProbePipe& err, std::string& error) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
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
  std::string programText = program.string();
  std::string pluginText = plugin.string();
  std::array<char*, 3> argv{programText.data(), pluginText.data(), nullptr};
  std::vector<std::string> environment{marker};
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) environment.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  const int spawned =
      ::posix_spawn(&pid, programText.c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned == 0) return pid;
  error = "cannot run the plugin probe " + programText + ": " + std::strerror(spawned);
  return 0;
}

// Reads what is there now; false once the writers have all closed it.
bool drainInto(int fd, std::string& text) {
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n > 0) {
      text.append(buffer.data(), static_cast<std::size_t>(n));
      if (text.size() > 2 * kProbeStderrKept) text.erase(0, text.size() - kProbeStderrKept);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n != 0;
  }
}

// Not reaped yet, so its process group id cannot be reused before the group is killed.
bool probeHasExited(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

struct ProbeRun {
  std::string out;
  std::string err;
  bool timedOut = false;
  int status = 0;
};

// Until the probe exits or its time is up; then it and everything it started are killed,
// also what left its process group or session (setsid) or was orphaned, as for objective
// commands (core/ProcessTree.h: this process is their subreaper).
void superviseProbe(pid_t pid, const ProbePipe& out, const ProbePipe& err,
                    std::chrono::milliseconds timeout, ChildProcessTree& tree, ProbeRun& run) {
  const auto deadline = ProbeClock::now() + timeout;
  auto lastObserved = ProbeClock::time_point();
  while (!probeHasExited(pid)) {
    if (ProbeClock::now() - lastObserved > kProbeObserveEvery) {
      tree.observe();
      lastObserved = ProbeClock::now();
    }
    if (ProbeClock::now() > deadline) {
      run.timedOut = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    std::array<pollfd, 2> fds{pollfd{out.read, POLLIN, 0}, pollfd{err.read, POLLIN, 0}};
    ::poll(fds.data(), fds.size(), 20);
    drainInto(out.read, run.out);
    drainInto(err.read, run.err);
  }
  drainInto(out.read, run.out);
  drainInto(err.read, run.err);
  tree.observe();
  ::kill(-pid, SIGKILL);  // whatever the plugin started in the background
  tree.killAll();
  while (::waitpid(pid, &run.status, 0) < 0 && errno == EINTR) {
  }
}

// The last few non-empty lines, each cut to a readable length, joined with " | ".
std::string stderrTail(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t end = text.size();
  while (end > 0 && static_cast<int>(lines.size()) < kProbeStderrLines) {
    const std::size_t newline = text.rfind('\n', end - 1);
    const std::size_t begin = newline == std::string::npos ? 0 : newline + 1;
    std::string line = text.substr(begin, end - begin);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.size() > kProbeStderrLineChars) line = line.substr(0, kProbeStderrLineChars) + "...";
    if (!line.empty()) lines.insert(lines.begin(), line);
    if (newline == std::string::npos) break;
    end = newline;
  }
  std::string joined;
  for (const auto& line : lines) joined += (joined.empty() ? "" : " | ") + line;
  return joined;
}

std::string describeProbeEnd(const ProbeRun& run, std::chrono::milliseconds timeout) {
  const bool registered = run.out.find(kProbeSurvivedLine) != std::string::npos;
  const std::string when =
      registered ? "while it was unloaded" : "while loading and registering it";
  if (run.timedOut) {
    const auto limit = timeout.count() % 1000 == 0 ? std::to_string(timeout.count() / 1000) + " s"
                                                   : std::to_string(timeout.count()) + " ms";
    return "it did not finish loading within " + limit +
           " in a probe process (killed there): a hang in its registration or static initializers";
  }
  if (WIFSIGNALED(run.status)) {
    const int signal = WTERMSIG(run.status);
    return "it killed the probe process " + when + " with signal " + std::to_string(signal) + " (" +
           ::strsignal(signal) + ")";
  }
  const int status = WEXITSTATUS(run.status);
  return "it ended the probe process " + when + " with exit status " + std::to_string(status) +
         (status == 0 && !registered ? " before registration finished (does it call exit()?)" : "");
}

}  // namespace

ProbeVerdict probePlugin(const fs::path& probeProgram, const fs::path& plugin,
                         std::chrono::milliseconds timeout) {
  ProbePipe out;
  ProbePipe err;
  if (!out.open() || !err.open()) {
    return {false, std::string("cannot probe it: no pipe: ") + std::strerror(errno), false};
  }
  std::string error;
  becomeSubreaper();
  const std::string marker = newChildMarker();
  const pid_t pid = spawnProbe(probeProgram, plugin, marker, out, err, error);
  out.closeWrite();
  err.closeWrite();
  if (pid == 0) return {false, error, false};
  ChildProcessTree tree(pid, marker);
  ProbeRun run;
  superviseProbe(pid, out, err, timeout, tree, run);
  const bool survived = !run.timedOut && WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0 &&
                        run.out.find(kProbeSurvivedLine) != std::string::npos;
  if (survived) return {true, {}, true};
  std::string failure = describeProbeEnd(run, timeout);
  if (const auto tail = stderrTail(run.err); !tail.empty()) {
    failure += "; its stderr ended with: " + tail;
  }
  return {false, failure, true};
}

}  // namespace tunelab
