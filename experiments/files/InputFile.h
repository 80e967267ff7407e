#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace tunelab {

/// What a file the user names on the command line must be.
enum class InputContent : std::uint8_t {
  Any,   // read as bytes (a model file, a study database)
  Text,  // a text file: a NUL byte in its first kilobytes means it is something else
};

/// Checks a file the user named before it is read, so a mistake gets a message instead of a
/// stream failure: throws DataError naming `path` and `what` ("model file", "data file") when
/// it does not exist, is a directory, cannot be read, is empty, or (Text) holds binary data.
/// A FIFO or a device (`<(...)`, /dev/stdin) is let through: it has no size to check.
void checkInputFile(const std::filesystem::path& path, std::string_view what,
                    InputContent content = InputContent::Any);

}  // namespace tunelab
