#include "experiments/files/OutputFile.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/Error.h"
#include "experiments/files/AtomicFile.h"

namespace tunelab {

namespace {

void writeThrough(const std::filesystem::path& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (file) file.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (file) file.flush();
  if (!file) throw Error(path.string() + ": cannot write: " + std::strerror(errno));
}

}  // namespace

void writeOutputFile(const std::filesystem::path& path, const std::string& content) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(path, ec);
  if (!fs::exists(link)) {
    writeFileAtomically(path, content);
    return;
  }
  const fs::file_status target = fs::status(path, ec);
  if (fs::is_symlink(link) && fs::is_regular_file(target)) {
    const fs::path resolved = fs::canonical(path, ec);
    if (!ec) {
      writeFileAtomically(resolved, content);
      return;
    }
    writeThrough(path, content);
  } else if (fs::is_regular_file(link)) {
    writeFileAtomically(path, content);
  } else {
    writeThrough(path, content);  // a FIFO, a device, a dangling link (creates its target)
  }
}

}  // namespace tunelab
