#include "core/ProcessTree.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace tunelab {

namespace {

// The whole of a small /proc file, "" when it cannot be read. read(2), not a stream: reading
// the file of a process that is exiting fails (ESRCH), and libstdc++'s filebuf throws on that.
std::string readProcFile(const std::string& path) {
  std::string text;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

struct ProcessEntry {
  pid_t pid = 0;
  pid_t parent = 0;
  pid_t session = 0;
  char state = '?';
  std::uint64_t startTime = 0;
};

// /proc/PID/stat: "pid (comm) state ppid pgrp session ... starttime" (field 22); comm may
// hold spaces and parentheses, so fields are counted from the last ')'.
std::optional<ProcessEntry> readProcessEntry(pid_t pid) {
  const std::string text = readProcFile("/proc/" + std::to_string(pid) + "/stat");
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  ProcessEntry e;
  e.pid = pid;
  pid_t group = 0;
  fields >> e.state >> e.parent >> group >> e.session;
  std::string skipped;
  for (int field = 7; field < 22 && fields; ++field) fields >> skipped;
  fields >> e.startTime;
  if (!fields) return std::nullopt;
  return e;
}

std::vector<ProcessEntry> allProcesses() {
  std::vector<ProcessEntry> entries;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return entries;
  while (const dirent* d = ::readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(d->d_name, &end, 10);
    if (end == d->d_name || *end != '\0' || pid <= 0) continue;
    if (auto e = readProcessEntry(static_cast<pid_t>(pid))) entries.push_back(*e);
  }
  ::closedir(proc);
  return entries;
}

bool environmentHolds(pid_t pid, const std::string& entry) {
  const std::string text = readProcFile("/proc/" + std::to_string(pid) + "/environ");
  const std::string wanted = entry + '\0';
  return text.starts_with(wanted) || text.find('\0' + wanted) != std::string::npos;
}

// The processes below `roots` by parent link, the roots excluded.
std::set<pid_t> descendantsOf(const std::vector<ProcessEntry>& all, std::set<pid_t> roots) {
  std::set<pid_t> found;
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& e : all) {
      if (roots.contains(e.parent) && !roots.contains(e.pid)) {
        roots.insert(e.pid);
        found.insert(e.pid);
        grew = true;
      }
    }
  }
  return found;
}

}  // namespace

std::string newChildMarker() {
  static std::atomic<std::uint64_t> started{0};
  return "TUNELAB_CHILD=" + std::to_string(::getpid()) + "." + std::to_string(++started);
}

void becomeSubreaper() {
  static std::once_flag once;
  std::call_once(once, [] { ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); });
}

ChildProcessTree::ChildProcessTree(pid_t child, std::string marker)
    : child_(child), marker_(std::move(marker)) {}

void ChildProcessTree::observe() {
  const auto all = allProcesses();
  for (const pid_t pid : descendantsOf(all, {child_})) {
    for (const auto& e : all) {
      if (e.pid == pid && e.state != 'Z') known_.emplace(pid, e.startTime);
    }
  }
}

void ChildProcessTree::killAll(std::chrono::milliseconds patience) {
  const pid_t self = ::getpid();
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (;;) {
    const auto all = allProcesses();
    std::set<pid_t> roots{child_};
    for (const auto& e : all) {
      const auto seen = known_.find(e.pid);
      const bool remembered = seen != known_.end() && seen->second == e.startTime;
      // An orphan re-parented here: ours if it carries the marker (a zombie's environment
      // cannot be read, but one that never left the child's session still names it).
      const bool orphan = e.parent == self && e.pid != child_ &&
                          (e.session == child_ || environmentHolds(e.pid, marker_));
      if (remembered || orphan) roots.insert(e.pid);
    }
    roots.merge(descendantsOf(all, roots));
    roots.erase(child_);
    bool anyAlive = false;
    for (const auto& e : all) {
      if (!roots.contains(e.pid)) continue;
      if (e.state != 'Z') {
        ::kill(e.pid, SIGKILL);
        // Known from now on: as a zombie its environment cannot be read, and one that left the
        // child's session would not be found again to be reaped.
        known_[e.pid] = e.startTime;
        anyAlive = true;
      }
      if (e.parent == self) ::waitpid(e.pid, nullptr, WNOHANG);
    }
    if (!anyAlive || std::chrono::steady_clock::now() > deadline) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace tunelab
