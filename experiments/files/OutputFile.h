#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

namespace tunelab {

/// Where writeOutputFile put the bytes.
enum class WrittenTo : std::uint8_t { File, StandardOutput };

/// Writes `content` to the file a user named as an output (-o): `-`, or a name for this
/// process's own standard output (/dev/stdout, /proc/self/fd/1, a link to either), goes to
/// `standardOutput`; anything else as writeFileAtomically does (a link's target replaced, a
/// FIFO or device written into). Throws Error naming `path` on any failure.
WrittenTo writeOutputFile(const std::filesystem::path& path, const std::string& content,
                          std::ostream& standardOutput);

}  // namespace tunelab
