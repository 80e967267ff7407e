// libFuzzer target: the IDX reader (parseIdx, the bytes readIdx reads: gzip or plain, images
// or labels) on the bytes of a file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/Error.h"
#include "core/data/IdxReader.h"

extern "C" int LLVMFuzzerTestOneInput(  // NOLINT(readability-identifier-naming)
    const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    tunelab::parseIdx(bytes, "fuzz-idx3-ubyte.gz");
  } catch (const tunelab::Error&) {
    // A DataError naming the file: bad magic number, truncated, a header the file cannot hold.
  }
  return 0;
}
