#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace tunelab {

/// The offset of the first byte of `text` that does not start or continue a valid UTF-8
/// character (overlong forms and surrogates included), or nothing when all of it is valid.
/// An experiment file is stored and reported as JSON, which holds only valid UTF-8.
std::optional<std::size_t> firstInvalidUtf8(std::string_view text);

}  // namespace tunelab
