#pragma once

#include <filesystem>
#include <string>

namespace tunelab {

/// Replaces `path` with `content` all at once (write a sibling temporary file, flush, rename),
/// creating the parent directories. When `path` is a symlink, the file it points to is replaced.
/// Throws Error naming the file on any failure (read-only directory, full disk) and leaves no
/// partial file behind.
void writeFileAtomically(const std::filesystem::path& path, const std::string& content);

}  // namespace tunelab
