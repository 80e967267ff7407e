#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace tunelab {

/// The longest stdout line of an objective command that is read as JSON (1 MiB); a longer one
/// is cut there and reported as too long.
inline constexpr std::size_t kMaxObjectiveLineBytes = std::size_t{1} << 20;

/// One stdout line of an objective command, read once.
struct ObjectiveLine {
  enum class Kind : std::uint8_t {
    Text,       // not JSON: the program's own output
    NotObject,  // valid JSON, but not an object (`0.25`, `[1, 2]`)
    Values,     // a JSON object: `numbers` and `others`
    Invalid,    // starts as a JSON object but is not valid JSON: `problem` says why
  };
  Kind kind = Kind::Text;
  // NaN and Infinity are read as Python's json.dumps writes them (bare or quoted), and as
  // C's printf writes them (nan, inf).
  std::map<std::string, double> numbers;
  std::map<std::string, std::string> others;  // the values that are no number, described
  std::string problem;
};

/// Reads `line` (without its newline). Never throws.
ObjectiveLine parseObjectiveLine(std::string_view line);

/// `text` cut to about `most` bytes for a message, bytes that are not printable ASCII escaped
/// as \xNN.
std::string printableExcerpt(std::string_view text, std::size_t most = 120);

}  // namespace tunelab
