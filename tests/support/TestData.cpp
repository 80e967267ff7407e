#include "tests/support/TestData.h"

#include <cstdlib>
#include <fstream>

#include "core/Rng.h"

namespace tunelab::test {

std::filesystem::path sourceDir() { return TUNELAB_SOURCE_DIR; }

std::filesystem::path binaryDir() { return TUNELAB_BINARY_DIR; }

std::filesystem::path datasetsDir() {
  if (const char* env = std::getenv("TUNELAB_DATA_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  auto shared = sourceDir().parent_path() / "shared" / "datasets";
  if (std::filesystem::exists(shared)) return shared;
  return {};
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

std::filesystem::path datasetPath(const std::string& file) {
  auto dir = datasetsDir();
  return dir.empty() ? std::filesystem::path() : dir / file;
}

bool exists(const std::filesystem::path& path) {
  return !path.empty() && std::filesystem::exists(path);
}

std::filesystem::path scratchDir(const std::string& name) {
  auto dir = std::filesystem::path(TUNELAB_BINARY_DIR) / "test-scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::filesystem::path tunelabExecutable() {
  return std::filesystem::path(TUNELAB_BINARY_DIR) / "bin" / "tunelab";
}

}  // namespace tunelab::test
