#include <gtest/gtest.h>
#include <zlib.h>

#include "core/Error.h"
#include "core/data/IdxReader.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

void writeGz(const std::filesystem::path& path, const std::vector<unsigned char>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

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
  writeGz(dir / "img.gz", {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 40});
  const IdxData d = readIdx(dir / "img.gz");
  EXPECT_EQ(d.dims, (std::vector<std::size_t>{2, 1, 2}));
  EXPECT_EQ(d.values, (std::vector<std::uint8_t>{10, 20, 30, 40}));
}

TEST(IdxReader, BadMagicAndTruncationAreNamed) {
  const auto dir = test::scratchDir("idx-bad");
  writeGz(dir / "magic.gz", {0, 0, 9, 3, 0, 0, 0, 1});
  EXPECT_NE(errorOf(dir / "magic.gz").find("magic number"), std::string::npos);
  writeGz(dir / "short.gz", {0, 0, 8, 1, 0, 0, 0, 5, 1, 2});
  const std::string truncated = errorOf(dir / "short.gz");
  EXPECT_NE(truncated.find("short.gz"), std::string::npos) << truncated;
  EXPECT_NE(truncated.find("truncated"), std::string::npos) << truncated;
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
