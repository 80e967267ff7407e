#include "experiments/files/AtomicFile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <streambuf>
#include <system_error>

#include "core/Error.h"

namespace tunelab {

namespace {

namespace fs = std::filesystem;

constexpr int kMostSymlinkHops = 40;  // as the kernel's ELOOP limit

// Where the bytes go: a regular file (or a new one) to replace, or something to write into.
struct OutputTarget {
  fs::path file;
  bool writeInto = false;
};

bool isUnderSystemTree(const fs::path& path) {
  const std::string text = path.lexically_normal().string();
  return text.starts_with("/dev/") || text.starts_with("/proc/") || text == "/dev" ||
         text == "/proc";
}

// Follows the links at `path` to the file they name. A link into /dev or /proc (/dev/stdout ->
// /proc/self/fd/1 -> pipe:[N]) names no file to replace: its target is written into.
OutputTarget outputTargetOf(const fs::path& path) {
  fs::path current = path;
  for (int hop = 0; hop < kMostSymlinkHops; ++hop) {
    if (isUnderSystemTree(fs::absolute(current))) return {path, true};
    std::error_code ec;
    const fs::file_status status = fs::symlink_status(current, ec);
    if (!fs::is_symlink(status)) {
      if (fs::exists(status) && fs::is_directory(status)) {
        throw Error(path.string() + ": is a directory; name a file to write");
      }
      const bool regularOrNew = !fs::exists(status) || fs::is_regular_file(status);
      return {regularOrNew ? current : path, !regularOrNew};
    }
    const fs::path target = fs::read_symlink(current, ec);
    if (ec) throw Error(path.string() + ": cannot read the symbolic link: " + ec.message());
    current = target.is_absolute() ? target : current.parent_path() / target;
  }
  throw Error(path.string() + ": too many levels of symbolic links");
}

// An ostream's buffer over a FILE* (which buffers), keeping the errno of the first failure.
class FileBuffer : public std::streambuf {
 public:
  explicit FileBuffer(std::FILE* file) : file_(file) {}
  int error() const { return error_; }

 protected:
  std::streamsize xsputn(const char* text, std::streamsize n) override {
    if (error_ != 0) return 0;
    const auto size = static_cast<std::size_t>(n);
    if (std::fwrite(text, 1, size, file_) != size) error_ = errno != 0 ? errno : EIO;
    return error_ == 0 ? n : 0;
  }
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }

 private:
  std::FILE* file_;
  int error_ = 0;
};

// Opens `file` (truncated), lets `write` fill it and closes it; the errno of the first failure
// (0: none). An exception from `write` closes the file and propagates.
int writeThrough(const fs::path& file, const std::function<void(std::ostream&)>& write) {
  std::FILE* stream = std::fopen(file.c_str(), "wb");
  if (stream == nullptr) return errno;
  FileBuffer buffer(stream);
  std::ostream out(&buffer);
  try {
    write(out);
  } catch (...) {
    std::fclose(stream);
    throw;
  }
  int error = buffer.error();
  if (std::fflush(stream) != 0 && error == 0) error = errno;
  if (std::fclose(stream) != 0 && error == 0) error = errno;
  return error;
}

void writeInto(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  if (const int error = writeThrough(path, write); error != 0) {
    throw Error(path.string() + ": cannot write: " + std::strerror(error));
  }
}

void replaceFile(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) throw Error(path.parent_path().string() + ": cannot create directory: " + ec.message());
  const fs::path temporary = path.string() + ".tmp";
  int error = 0;
  try {
    error = writeThrough(temporary, write);
  } catch (...) {
    fs::remove(temporary, ec);
    throw;
  }
  if (error != 0) {
    fs::remove(temporary, ec);
    throw Error(path.string() + ": cannot write: " + std::strerror(error));
  }
  fs::rename(temporary, path, ec);
  if (ec) {
    fs::remove(temporary, ec);
    throw Error(path.string() + ": cannot replace the file: " + ec.message());
  }
}

}  // namespace

void writeFileAtomically(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  const OutputTarget target = outputTargetOf(path);
  if (target.writeInto) {
    writeInto(target.file, write);
  } else {
    replaceFile(target.file, write);
  }
}

void writeFileAtomically(const fs::path& path, const std::string& content) {
  writeFileAtomically(path, [&content](std::ostream& out) {
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  });
}

}  // namespace tunelab
