#pragma once

#include <filesystem>
#include <string>

namespace tunelab {

/// Writes `content` to the file a user named as an output: a regular file (or a new one) is
/// replaced at once (writeFileAtomically); a symbolic link is kept and what it points to is
/// written; anything else there (a FIFO, a device such as /dev/stdout) is written through.
/// Throws Error naming `path` on any failure.
void writeOutputFile(const std::filesystem::path& path, const std::string& content);

}  // namespace tunelab
