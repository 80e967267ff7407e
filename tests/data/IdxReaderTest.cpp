#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "core/Error.h"
#include "core/data/IdxReader.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

std::string errorOf(const std::filesystem::path& path) {
  try {
    readIdx(path);
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

TEST(IdxReader, ReadsImagesAndLabels) {
  const auto dir = test::scratchDir("idx");
  test::writeGzip(dir / "img.gz", {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 40});
  const IdxData d = readIdx(dir / "img.gz");
  EXPECT_EQ(d.dims, (std::vector<std::size_t>{2, 1, 2}));
  EXPECT_EQ(d.values, (std::vector<std::uint8_t>{10, 20, 30, 40}));
}

TEST(IdxReader, BadMagicAndTruncationAreNamed) {
  const auto dir = test::scratchDir("idx-bad");
  test::writeGzip(dir / "magic.gz", {0, 0, 9, 3, 0, 0, 0, 1});
  EXPECT_NE(errorOf(dir / "magic.gz").find("magic number"), std::string::npos);
  test::writeGzip(dir / "short.gz", {0, 0, 8, 1, 0, 0, 0, 5, 1, 2});
  const std::string truncated = errorOf(dir / "short.gz");
  EXPECT_NE(truncated.find("short.gz"), std::string::npos) << truncated;
  EXPECT_NE(truncated.find("truncated"), std::string::npos) << truncated;
}

// Seen: a header claiming 100 x 65535 x 65535 images ended the run with "internal error:
// std::bad_alloc". The header is checked against what the file can hold before anything is
// allocated, gzip-compressed or not.
TEST(IdxReader, HeaderClaimingMoreThanTheFileHoldsIsRefusedNamingTheFile) {
  const auto dir = test::scratchDir("idx-huge");
  const std::vector<unsigned char> header{0,   0,   8, 3, 0,   0,   0, 100, 0, 0,
                                          255, 255, 0, 0, 255, 255, 1, 2,   3, 4};
  test::writeGzip(dir / "huge.gz", header);
  EXPECT_EQ(errorOf(dir / "huge.gz"),
            (dir / "huge.gz").string() +
                ": its header declares 100 x 65535 x 65535 values, more than the file's " +
                std::to_string(std::filesystem::file_size(dir / "huge.gz")) +
                " bytes can hold (gzip unpacks to at most about 1032 times its size); the header "
                "is corrupt");
  std::ofstream(dir / "huge.idx", std::ios::binary)
      .write(reinterpret_cast<const char*>(header.data()),
             static_cast<std::streamsize>(header.size()));
  EXPECT_EQ(errorOf(dir / "huge.idx"),
            (dir / "huge.idx").string() +
                ": its header declares 100 x 65535 x 65535 values, more than the file's 20 bytes "
                "can hold (one byte per value after the header); the header is corrupt");
}

TEST(IdxReader, DimensionsWhoseProductOverflowsAreRefused) {
  const auto dir = test::scratchDir("idx-overflow");
  test::writeGzip(dir / "wrap.gz",
                  {0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1, 2});
  EXPECT_THAT(errorOf(dir / "wrap.gz"),
              ::testing::HasSubstr("4294967295 x 4294967295 x 4294967295 values, more than"));
}

TEST(IdxReader, ZeroDimensionAndTrailingBytesAreRefused) {
  const auto dir = test::scratchDir("idx-shape");
  test::writeGzip(dir / "empty.gz", {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2});
  EXPECT_EQ(errorOf(dir / "empty.gz"),
            (dir / "empty.gz").string() + ": its header declares a dimension of 0 (2 x 0)");
  test::writeGzip(dir / "long.gz", {0, 0, 8, 1, 0, 0, 0, 2, 7, 8, 9});
  EXPECT_EQ(errorOf(dir / "long.gz"), (dir / "long.gz").string() +
                                          ": the file holds more than the 2 value bytes its "
                                          "header declares (is the header wrong?)");
}

// parseIdx (the bytes in memory, as tests/fuzz reads them) and readIdx share one reader: the
// same data, the same refusals.
TEST(IdxReader, BytesInMemoryReadAsTheFileDoes) {
  const auto dir = test::scratchDir("idx-memory");
  const std::vector<unsigned char> image{0, 0, 8, 3, 0, 0, 0,  2,  0,  0,
                                         0, 1, 0, 0, 0, 2, 10, 20, 30, 40};
  test::writeGzip(dir / "img.gz", image);
  std::ifstream in(dir / "img.gz", std::ios::binary);
  const std::string gzip((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string plain(image.begin(), image.end());
  for (const std::string& bytes : {gzip, plain, gzip + gzip.substr(0, 3)}) {
    const IdxData d = parseIdx(bytes, "img");
    EXPECT_EQ(d.dims, (std::vector<std::size_t>{2, 1, 2}));
    EXPECT_EQ(d.values, (std::vector<std::uint8_t>{10, 20, 30, 40}));
  }
  const auto refusal = [](const std::string& bytes) {
    try {
      parseIdx(bytes, "mem.idx");
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(refusal(plain.substr(0, 10)),
            "mem.idx: the file is truncated (dimensions: expected 4 bytes, read 2)");
  EXPECT_THAT(refusal(plain.substr(0, 18)),
              ::testing::HasSubstr("mem.idx: its header declares 2 x 1 x 2 values, more than the "
                                   "file's 18 bytes can hold"));
  EXPECT_THAT(refusal(gzip.substr(0, 20)), ::testing::HasSubstr("truncated"));
  EXPECT_EQ(refusal(plain + "x"),
            "mem.idx: the file holds more than the 4 value bytes its header declares (is the "
            "header wrong?)");
}

TEST(IdxReader, FashionMnistTrainImages) {
  TUNELAB_REQUIRE_DATASET("fashion_mnist");
  const auto path = test::datasetFile("fashion_mnist") / "train-labels-idx1-ubyte.gz";
  const IdxData labels = readIdx(path);
  ASSERT_EQ(labels.dims, (std::vector<std::size_t>{60000}));
  std::vector<int> counts(10);
  for (auto v : labels.values) ++counts.at(v);
  for (int c : counts) EXPECT_EQ(c, 6000);
}

}  // namespace
}  // namespace tunelab
