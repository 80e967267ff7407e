// libFuzzer target: one stdout line of an objective command (parseObjectiveLine, which never
// throws) and the excerpt of it a message quotes (printableExcerpt).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "experiments/objective/ObjectiveLine.h"

extern "C" int LLVMFuzzerTestOneInput(  // NOLINT(readability-identifier-naming)
    const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const tunelab::ObjectiveLine parsed = tunelab::parseObjectiveLine(line);
  tunelab::printableExcerpt(line);
  tunelab::printableExcerpt(parsed.problem, 40);
  return 0;
}
