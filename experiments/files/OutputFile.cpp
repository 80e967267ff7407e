#include "experiments/files/OutputFile.h"

#include <sys/stat.h>
#include <unistd.h>

#include <ostream>

#include "core/Error.h"
#include "experiments/files/AtomicFile.h"

namespace tunelab {

namespace {

// Whether `path` names the file, pipe or terminal this process's standard output is: written
// there through the stream, the bytes keep their place among the rest of the output.
bool isOwnStandardOutput(const std::filesystem::path& path) {
  struct stat named {};
  struct stat own {};
  return ::stat(path.c_str(), &named) == 0 && ::fstat(STDOUT_FILENO, &own) == 0 &&
         named.st_dev == own.st_dev && named.st_ino == own.st_ino;
}

}  // namespace

WrittenTo writeOutputFile(const std::filesystem::path& path, const std::string& content,
                          std::ostream& standardOutput) {
  if (path == "-" || isOwnStandardOutput(path)) {
    standardOutput.write(content.data(), static_cast<std::streamsize>(content.size()));
    standardOutput.flush();
    if (!standardOutput) throw Error(path.string() + ": cannot write to standard output");
    return WrittenTo::StandardOutput;
  }
  writeFileAtomically(path, content);
  return WrittenTo::File;
}

}  // namespace tunelab
