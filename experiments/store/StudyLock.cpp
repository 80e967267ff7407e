#include "experiments/store/StudyLock.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <sstream>

namespace tunelab {

namespace {

std::string hostName() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "unknown";
  return name.data();
}

std::string nowUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%d %H:%M:%S UTC", &utc);
  return text.data();
}

// The record a lock file holds: "pid 1234\nhost vm\nstarted 2026-11-30 19:20:01 UTC\n".
std::string recordOf(const StudyOwner& owner) {
  return "pid " + std::to_string(owner.pid) + "\nhost " + owner.host + "\nstarted " +
         owner.started + "\n";
}

// The owner a lock file records; nothing when it is empty (released cleanly, or its owner has
// taken the lock and not yet written itself).
std::optional<StudyOwner> readOwner(int fd) {
  std::array<char, 1024> buffer{};
  const ssize_t size = pread(fd, buffer.data(), buffer.size() - 1, 0);
  if (size <= 0) return std::nullopt;
  std::istringstream lines(std::string(buffer.data(), static_cast<std::size_t>(size)));
  StudyOwner owner;
  for (std::string line; std::getline(lines, line);) {
    const auto space = line.find(' ');
    const std::string key = line.substr(0, space);
    const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
    if (key == "pid") owner.pid = std::strtol(value.c_str(), nullptr, 10);
    if (key == "host") owner.host = value;
    if (key == "started") owner.started = value;
  }
  return owner;
}

// A write lock on the whole file (l_len 0: to its end, however long).
struct flock wholeFile(short type) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  return lock;
}

}  // namespace

std::string StudyOwner::describe() const {
  if (pid == 0) return "a process that is starting";
  return "pid " + std::to_string(pid) + " on host " + host + ", started " + started;
}

StudyBusy::StudyBusy(const std::filesystem::path& database, StudyOwner owner)
    : Error(database.string() + " is in use by another tunelab run (" + owner.describe() +
            "); nothing was changed. Wait for that run to end, or stop it (kill " +
            std::to_string(owner.pid) + " on " + owner.host +
            ") and run this command again: it resumes the study"),
      owner_(std::move(owner)) {}

StudyBusy::~StudyBusy() = default;

std::filesystem::path StudyLock::lockFile(const std::filesystem::path& database) {
  return database.string() + ".lock";
}

StudyLock::StudyLock(const std::filesystem::path& database) {
  const auto file = lockFile(database);
  // Close-on-exec: a program a trial starts must not hold the study after this process ends.
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw Error("cannot open the study lock " + file.string() + ": " + std::strerror(errno));
  }
  struct flock lock = wholeFile(F_WRLCK);
  if (fcntl(fd_, F_OFD_SETLK, &lock) != 0) {
    const int error = errno;
    const auto owner = readOwner(fd_);
    ::close(fd_);
    if (error == EAGAIN || error == EACCES) throw StudyBusy(database, owner.value_or(StudyOwner{}));
    throw Error("cannot lock " + file.string() + ": " + std::strerror(error) +
                " (a file system without locks, such as NFS without its lock service?)");
  }
  takenOverFrom_ = readOwner(fd_);
  owner_ = {getpid(), hostName(), nowUtc()};
  const std::string record = recordOf(owner_);
  if (ftruncate(fd_, 0) != 0 ||
      pwrite(fd_, record.data(), record.size(), 0) != static_cast<ssize_t>(record.size())) {
    const int error = errno;
    ::close(fd_);
    throw Error("cannot write the study lock " + file.string() + ": " + std::strerror(error));
  }
}

StudyLock::~StudyLock() {
  // A clean end: nobody to name as the owner any more. The file stays (removing it would let
  // two processes lock two different files of the same name).
  if (ftruncate(fd_, 0) != 0) {
    // The lock is released all the same; the next run reports a takeover.
  }
  ::close(fd_);
}

std::optional<StudyOwner> StudyLock::liveOwner(const std::filesystem::path& database) {
  const int fd = ::open(lockFile(database).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;  // never run since locks exist: nobody owns it
  struct flock probe = wholeFile(F_RDLCK);
  std::optional<StudyOwner> owner;
  if (fcntl(fd, F_OFD_GETLK, &probe) == 0 && probe.l_type != F_UNLCK) {
    owner = readOwner(fd).value_or(StudyOwner{});
  }
  ::close(fd);
  return owner;
}

}  // namespace tunelab
