#include "experiments/files/InputFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "core/Error.h"

namespace tunelab {

namespace {

constexpr std::size_t kBinarySniffBytes = 8192;

[[noreturn]] void refuseInput(const std::filesystem::path& path, const std::string& why) {
  throw DataError(path.string() + ": " + why);
}

// The first bytes of the file; throws when it cannot be opened or read.
std::string firstBytesOf(const std::filesystem::path& path, std::string_view what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    refuseInput(path, "cannot read the " + std::string(what) + ": " + std::strerror(errno));
  }
  std::array<char, kBinarySniffBytes> buffer{};
  ssize_t n = 0;
  while ((n = ::read(fd, buffer.data(), buffer.size())) < 0 && errno == EINTR) {
  }
  const int readErrno = errno;
  ::close(fd);
  if (n < 0) {
    refuseInput(path, "cannot read the " + std::string(what) + ": " + std::strerror(readErrno));
  }
  return {buffer.data(), static_cast<std::size_t>(n)};
}

}  // namespace

void checkInputFile(const std::filesystem::path& path, std::string_view what,
                    InputContent content) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    const bool danglingLink = fs::is_symlink(fs::symlink_status(path, ec));
    refuseInput(path, std::string(danglingLink ? "a symbolic link to a file that does not exist"
                                               : "no such file") +
                          " (the " + std::string(what) + ")");
  }
  if (fs::is_directory(status)) {
    refuseInput(path, "is a directory; name the " + std::string(what) + " in it");
  }
  if (!fs::is_regular_file(status)) {
    if (fs::is_socket(status)) refuseInput(path, "is a socket: expected the " + std::string(what));
    return;  // a FIFO or a device: read as a stream
  }
  const std::string head = firstBytesOf(path, what);
  if (head.empty()) refuseInput(path, "is empty: expected the " + std::string(what));
  if (content == InputContent::Text && head.find('\0') != std::string::npos) {
    if (head.starts_with("SQLite format 3")) {
      refuseInput(path, "is an SQLite database (a study database?): expected the " +
                            std::string(what) + ", a text file");
    }
    refuseInput(path, "holds binary data: expected the " + std::string(what) + ", a text file");
  }
}

}  // namespace tunelab
