#include "tests/support/TestData.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "core/Error.h"
#include "core/Rng.h"

namespace tunelab::test {

std::filesystem::path sourceDir() { return TUNELAB_SOURCE_DIR; }

std::filesystem::path binaryDir() { return TUNELAB_BINARY_DIR; }

DataLocations dataLocations() {
  DataLocations where = defaultDataLocations({});
  if (auto shared = sourceDir().parent_path() / "shared" / "datasets";
      std::filesystem::is_directory(shared)) {
    where.dataDirs.push_back(shared);
  }
  where.allowDownload = false;
  return where;
}

FoundDataset findDataset(const std::string& name) {
  try {
    return {resolveSource(name, dataLocations()), {}};
  } catch (const DataError& e) {
    return {std::nullopt, e.what()};
  }
}

std::filesystem::path datasetFile(const std::string& name) {
  const auto found = findDataset(name);
  if (!found.source) return {};
  return found.source->kind == ResolvedSource::Kind::Idx ? found.source->directory
                                                         : found.source->file;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

void writeGzip(const std::filesystem::path& file, const std::vector<unsigned char>& bytes) {
  gzFile f = gzopen(file.c_str(), "wb");
  ASSERT_NE(f, nullptr) << "cannot write " << file;
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

void writeSeparableCsv(const std::filesystem::path& file, int rows) {
  std::ofstream csv(file);
  csv << "x0,x1,label\n";
  Rng rng(5);
  for (int i = 0; i < rows; ++i) {
    const float a = rng.uniform();
    const float b = rng.uniform();
    csv << a << "," << b << "," << (a + b > 1.0F ? "yes" : "no") << "\n";
  }
}

std::filesystem::path scratchDir(const std::string& name) {
  auto dir = std::filesystem::path(TUNELAB_BINARY_DIR) / "test-scratch";
  // ctest runs tests in parallel: each test its own directory, whatever name it asks for.
  if (const auto* test = ::testing::UnitTest::GetInstance()->current_test_info()) {
    std::string owner = std::string(test->test_suite_name()) + "." + test->name();
    std::replace(owner.begin(), owner.end(), '/', '_');
    dir /= owner;
  }
  dir /= name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::filesystem::path tunelabExecutable() {
  return std::filesystem::path(TUNELAB_BINARY_DIR) / "bin" / "tunelab";
}

Dataset twoBlobs(std::size_t n, std::uint64_t seed, float offset) {
  Dataset d;
  d.x = Matrix(n, 4);
  d.y = Matrix(n, 1);
  d.sampleShape = Shape{4};
  d.task = TaskKind::Binary;
  d.classNames = {"a", "b"};
  Rng rng(seed);
  for (std::size_t i = 0; i < n; ++i) {
    const float label = static_cast<float>(i % 2);
    d.y(i, 0) = label;
    for (std::size_t j = 0; j < 4; ++j) {
      d.x(i, j) = static_cast<float>(rng.normal()) + (label > 0 ? offset : -offset);
    }
  }
  return d;
}

}  // namespace tunelab::test
