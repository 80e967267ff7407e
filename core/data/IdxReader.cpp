#include "core/data/IdxReader.h"

#include <zlib.h>

#include <memory>

#include "core/Error.h"

namespace tunelab {

namespace {

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

std::uint32_t bigEndian(const unsigned char* b) {
  return (static_cast<std::uint32_t>(b[0]) << 24U) | (static_cast<std::uint32_t>(b[1]) << 16U) |
         (static_cast<std::uint32_t>(b[2]) << 8U) | static_cast<std::uint32_t>(b[3]);
}

}  // namespace

IdxData readIdx(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::unique_ptr<gzFile_s, GzCloser> file(gzopen(name.c_str(), "rb"));
  if (!file) {
    throw DataError(name + ": cannot open the IDX file" +
                    (std::filesystem::exists(path) ? "" : " (no such file)"));
  }
  auto readExactly = [&](void* into, std::size_t bytes, const char* what) {
    std::size_t done = 0;
    auto* out = static_cast<unsigned char*>(into);
    while (done < bytes) {
      const auto chunk = static_cast<unsigned>(std::min<std::size_t>(bytes - done, 1U << 30U));
      const int got = gzread(file.get(), out + done, chunk);
      if (got <= 0) {
        throw DataError(name + ": the file is truncated (" + what + ": expected " +
                        std::to_string(bytes) + " bytes, read " + std::to_string(done) + ")");
      }
      done += static_cast<std::size_t>(got);
    }
  };
  unsigned char header[4];
  readExactly(header, 4, "header");
  const std::uint32_t magic = bigEndian(header);
  if (magic != 2051 && magic != 2049) {
    throw DataError(name + ": not an IDX file of unsigned bytes (magic number " +
                    std::to_string(magic) + ", expected 2051 for images or 2049 for labels)");
  }
  const std::size_t dimCount = magic & 0xFFU;
  IdxData data;
  std::size_t total = 1;
  for (std::size_t i = 0; i < dimCount; ++i) {
    unsigned char b[4];
    readExactly(b, 4, "dimensions");
    data.dims.push_back(bigEndian(b));
    total *= data.dims.back();
  }
  data.values.resize(total);
  readExactly(data.values.data(), total, "values");
  return data;
}

}  // namespace tunelab
