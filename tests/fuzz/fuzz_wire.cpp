// libFuzzer target: the bytes MPI ranks exchange about running trials (decodeEvents: epochs,
// progress checkpoints, results; decodeAnswer), the decoder written by hand. Its first byte
// picks the decoder. A damaged message must be an Error, never a read past its end.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/Error.h"
#include "experiments/distributed/WireFormat.h"

extern "C" int LLVMFuzzerTestOneInput(  // NOLINT(readability-identifier-naming)
    const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::vector<std::uint8_t> message(data + 1, data + size);
  try {
    if (data[0] % 2 == 0) {
      tunelab::decodeEvents(message);
    } else {
      tunelab::decodeAnswer(message);
    }
  } catch (const tunelab::Error&) {
    // "a damaged MPI message (...)"
  }
  return 0;
}
