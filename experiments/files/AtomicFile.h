#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

namespace tunelab {

/// Replaces `path` with `content` all at once (write a sibling temporary file, flush, rename),
/// creating the parent directories. A symbolic link stays one: the file it points to is
/// replaced. What is not a regular file (a FIFO, a device, a link into /dev or /proc such as
/// /dev/stdout) is never renamed over: `content` is written into it. Throws Error naming the
/// file on any failure (a directory there, read-only, full disk) and leaves no partial file.
void writeFileAtomically(const std::filesystem::path& path, const std::string& content);

/// The same, with the content written by `write` into a stream, so that it is never held in
/// memory all at once (report.html of a long study). An exception from `write` leaves no
/// partial file (a FIFO or device may have had a part) and is rethrown.
void writeFileAtomically(const std::filesystem::path& path,
                         const std::function<void(std::ostream&)>& write);

}  // namespace tunelab
