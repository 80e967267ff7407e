#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/Export.h"

namespace tunelab {

/// The contents of an IDX file (MNIST format): dimensions and unsigned bytes.
struct IdxData {
  std::vector<std::size_t> dims;  // {count, rows, cols} for images, {count} for labels
  std::vector<std::uint8_t> values;
};

/// Reads a gzip-compressed (or plain) IDX file of unsigned bytes: images (magic 2051) or
/// labels (magic 2049). Throws DataError naming the file for a bad magic number or a
/// truncated file.
TUNELAB_API IdxData readIdx(const std::filesystem::path& path);

/// The same from the file's bytes in memory (gzip or plain); `source` names it in messages.
TUNELAB_API IdxData parseIdx(std::string_view bytes, const std::string& source);

}  // namespace tunelab
