#pragma once

#include <filesystem>
#include <string>

#include "core/Export.h"

namespace tunelab {

/// Downloads `url` to `destination` if its SHA-256 is `sha256` (lower-case hex); `header`
/// is written before the downloaded bytes (it is not part of the checksum). Writes a sibling
/// temporary file and renames it, so a failed or mismatched download leaves nothing behind.
/// Throws DataError saying what went wrong and what to do.
TUNELAB_API void downloadVerified(const std::string& url, const std::string& sha256,
                                  const std::filesystem::path& destination,
                                  const std::string& header = {});

/// SHA-256 of a file, lower-case hex.
TUNELAB_API std::string sha256OfFile(const std::filesystem::path& path);

}  // namespace tunelab
