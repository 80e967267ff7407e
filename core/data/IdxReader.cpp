#include "core/data/IdxReader.h"

#include <zlib.h>

#include <algorithm>
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

// deflate cannot compress better than about 1032:1, so a gzip file of n bytes unpacks to at
// most this many; a header that claims more is a lie that must not be allocated.
constexpr std::uintmax_t kGzipMaxRatio = 1032;

// Where the IDX bytes come from: a file (gzip or plain, as gzread reads it) or memory.
class IdxSource {
 public:
  IdxSource() = default;
  virtual ~IdxSource() = default;
  IdxSource(const IdxSource&) = delete;
  IdxSource& operator=(const IdxSource&) = delete;
  IdxSource(IdxSource&&) = delete;
  IdxSource& operator=(IdxSource&&) = delete;

  // Up to `bytes` bytes into `into`; 0 at the end, -1 on an error (gzread's contract).
  virtual int read(unsigned char* into, unsigned bytes) = 0;
  // Whether the bytes are stored as they are (not gzip); known after the first read.
  virtual bool direct() const = 0;
  // The stored size; the largest value when it cannot be known (a pipe).
  virtual std::uintmax_t size() const = 0;
  virtual const std::string& name() const = 0;
};

class FileSource final : public IdxSource {
 public:
  explicit FileSource(const std::filesystem::path& path) : path_(path), name_(path.string()) {
    file_.reset(gzopen(name_.c_str(), "rb"));
    if (!file_) {
      throw DataError(name_ + ": cannot open the IDX file" +
                      (std::filesystem::exists(path) ? "" : " (no such file)"));
    }
  }

  int read(unsigned char* into, unsigned bytes) override {
    return gzread(file_.get(), into, bytes);
  }
  bool direct() const override { return gzdirect(file_.get()) != 0; }
  std::uintmax_t size() const override {
    std::error_code ec;
    const std::uintmax_t bytes = std::filesystem::file_size(path_, ec);
    return ec ? static_cast<std::uintmax_t>(-1) : bytes;
  }
  const std::string& name() const override { return name_; }

 private:
  std::filesystem::path path_;
  std::string name_;
  std::unique_ptr<gzFile_s, GzCloser> file_;
};

// Bytes in memory: inflated as they are read when they start as gzip does (1f 8b), as gzread
// would (members one after another; what follows the last member is ignored).
class MemorySource final : public IdxSource {
 public:
  MemorySource(std::string_view bytes, std::string name)
      : bytes_(bytes),
        name_(std::move(name)),
        gzip_(bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1FU &&
              static_cast<unsigned char>(bytes[1]) == 0x8BU) {
    if (gzip_ && inflateInit2(&stream_, kGzipWindowBits) != Z_OK) {
      throw DataError(name_ + ": cannot start reading gzip data");
    }
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes_.data()));
    stream_.avail_in = static_cast<uInt>(std::min<std::size_t>(bytes_.size(), kMaxChunk));
  }
  ~MemorySource() override {
    if (gzip_) inflateEnd(&stream_);
  }
  MemorySource(const MemorySource&) = delete;
  MemorySource& operator=(const MemorySource&) = delete;
  MemorySource(MemorySource&&) = delete;
  MemorySource& operator=(MemorySource&&) = delete;

  int read(unsigned char* into, unsigned bytes) override {
    return gzip_ ? inflateInto(into, bytes) : copyInto(into, bytes);
  }
  bool direct() const override { return !gzip_; }
  std::uintmax_t size() const override { return bytes_.size(); }
  const std::string& name() const override { return name_; }

 private:
  static constexpr int kGzipWindowBits = 15 + 16;  // gzip only, the largest window
  static constexpr std::size_t kMaxChunk = std::size_t{1} << 30U;

  int copyInto(unsigned char* into, unsigned bytes) {
    const std::size_t count = std::min<std::size_t>(bytes, bytes_.size() - offset_);
    std::copy_n(bytes_.data() + offset_, count, into);
    offset_ += count;
    return static_cast<int>(count);
  }

  // Where the next input byte is, counted from the start of the bytes.
  std::size_t consumed() const {
    return static_cast<std::size_t>(reinterpret_cast<const char*>(stream_.next_in) - bytes_.data());
  }

  void refillInput() {
    if (stream_.avail_in == 0) {
      stream_.avail_in =
          static_cast<uInt>(std::min<std::size_t>(bytes_.size() - consumed(), kMaxChunk));
    }
  }

  // After a member's end: another member follows, or the data ends here.
  bool nextMember() {
    const std::string_view rest = bytes_.substr(consumed());
    if (rest.size() < 2 || static_cast<unsigned char>(rest[0]) != 0x1FU ||
        static_cast<unsigned char>(rest[1]) != 0x8BU) {
      return false;
    }
    return inflateReset(&stream_) == Z_OK;
  }

  int inflateInto(unsigned char* into, unsigned bytes) {
    stream_.next_out = into;
    stream_.avail_out = bytes;
    while (stream_.avail_out > 0 && !ended_) {
      refillInput();
      const int status = inflate(&stream_, Z_NO_FLUSH);
      if (status == Z_STREAM_END) {
        ended_ = !nextMember();
      } else if (status != Z_OK) {
        if (status == Z_BUF_ERROR && stream_.avail_in == 0) break;  // cut short
        return -1;
      }
    }
    return static_cast<int>(bytes - stream_.avail_out);
  }

  std::string_view bytes_;
  std::string name_;
  bool gzip_ = false;
  bool ended_ = false;
  std::size_t offset_ = 0;
  z_stream stream_{};
};

class IdxFile {
 public:
  explicit IdxFile(IdxSource& source) : source_(source) {}

  // Reads exactly `bytes` into `into`, or throws naming what was cut short.
  void readExactly(void* into, std::size_t bytes, const char* what) {
    std::size_t done = 0;
    auto* out = static_cast<unsigned char*>(into);
    while (done < bytes) {
      const auto chunk = static_cast<unsigned>(std::min<std::size_t>(bytes - done, 1U << 30U));
      const int got = source_.read(out + done, chunk);
      if (got <= 0) {
        throw DataError(name() + ": the file is truncated (" + what + ": expected " +
                        std::to_string(bytes) + " bytes, read " + std::to_string(done) + ")");
      }
      done += static_cast<std::size_t>(got);
    }
  }

  std::uintmax_t size() const { return source_.size(); }

  // The most value bytes the file can hold after `headerBytes` (after a read: gzip is known).
  std::uintmax_t capacity(std::size_t headerBytes) {
    const std::uintmax_t bytes = size();
    if (bytes == static_cast<std::uintmax_t>(-1)) return bytes;
    if (source_.direct()) return bytes > headerBytes ? bytes - headerBytes : 0;
    return bytes > static_cast<std::uintmax_t>(-1) / kGzipMaxRatio ? static_cast<std::uintmax_t>(-1)
                                                                   : bytes * kGzipMaxRatio;
  }

  std::string capacityRule() {
    return source_.direct() ? "one byte per value after the header"
                            : "gzip unpacks to at most about 1032 times its size";
  }

  // Values as they arrive, so memory follows what the file really holds.
  std::vector<std::uint8_t> readValues(std::size_t total) {
    constexpr std::size_t kChunk = std::size_t{1} << 24U;
    std::vector<std::uint8_t> values;
    while (values.size() < total) {
      const std::size_t done = values.size();
      values.resize(done + std::min(kChunk, total - done));
      readExactly(values.data() + done, values.size() - done, "values");
    }
    unsigned char extra = 0;
    if (source_.read(&extra, 1) > 0) {
      throw DataError(name() + ": the file holds more than the " + std::to_string(total) +
                      " value bytes its header declares (is the header wrong?)");
    }
    return values;
  }

  const std::string& name() const { return source_.name(); }

 private:
  IdxSource& source_;
};

std::string describeDims(const std::vector<std::size_t>& dims) {
  std::string text;
  for (std::size_t i = 0; i < dims.size(); ++i)
    text += (i == 0 ? "" : " x ") + std::to_string(dims[i]);
  return text;
}

IdxData readIdxFrom(IdxSource& source) {
  IdxFile file(source);
  unsigned char header[4];
  file.readExactly(header, 4, "header");
  const std::uint32_t magic = bigEndian(header);
  if (magic != 2051 && magic != 2049) {
    throw DataError(file.name() + ": not an IDX file of unsigned bytes (magic number " +
                    std::to_string(magic) + ", expected 2051 for images or 2049 for labels)");
  }
  const std::size_t dimCount = magic & 0xFFU;
  IdxData data;
  std::uintmax_t total = 1;  // saturates instead of overflowing
  for (std::size_t i = 0; i < dimCount; ++i) {
    unsigned char b[4];
    file.readExactly(b, 4, "dimensions");
    data.dims.push_back(bigEndian(b));
    if (data.dims.back() == 0) {
      throw DataError(file.name() + ": its header declares a dimension of 0 (" +
                      describeDims(data.dims) + ")");
    }
    const std::uintmax_t most = static_cast<std::uintmax_t>(-1);
    total = total > most / data.dims.back() ? most : total * data.dims.back();
  }
  const std::size_t headerBytes = 4 + 4 * dimCount;
  if (const std::uintmax_t room = file.capacity(headerBytes); total > room) {
    throw DataError(file.name() + ": its header declares " + describeDims(data.dims) +
                    " values, more than the file's " + std::to_string(file.size()) +
                    " bytes can hold (" + file.capacityRule() + "); the header is corrupt");
  }
  data.values = file.readValues(static_cast<std::size_t>(total));
  return data;
}

}  // namespace

IdxData readIdx(const std::filesystem::path& path) {
  FileSource file(path);
  return readIdxFrom(file);
}

IdxData parseIdx(std::string_view bytes, const std::string& source) {
  MemorySource memory(bytes, source);
  return readIdxFrom(memory);
}

}  // namespace tunelab
