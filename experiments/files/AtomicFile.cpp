#include "experiments/files/AtomicFile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "core/Error.h"

namespace tunelab {

void writeFileAtomically(const std::filesystem::path& link, const std::string& content) {
  // A symlink stays one: the file it points to is replaced (a rename would replace the link).
  std::error_code linkError;
  const std::filesystem::path path = std::filesystem::is_symlink(link, linkError)
                                         ? std::filesystem::weakly_canonical(link, linkError)
                                         : link;
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) throw Error(path.parent_path().string() + ": cannot create directory: " + ec.message());
  const std::filesystem::path temporary = path.string() + ".tmp";
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (file == nullptr) {
    throw Error(path.string() + ": cannot write: " + std::strerror(errno));
  }
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  const int writeErrno = errno;
  const bool flushed = std::fflush(file) == 0;
  const bool closed = std::fclose(file) == 0;
  if (!written || !flushed || !closed) {
    std::filesystem::remove(temporary, ec);
    throw Error(path.string() + ": cannot write: " + std::strerror(written ? errno : writeErrno));
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw Error(path.string() + ": cannot replace the file: " + ec.message());
  }
}

}  // namespace tunelab
