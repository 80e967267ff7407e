#pragma once

#include <filesystem>
#include <string>

namespace tunelab::test {

/// The directory with the real data sets: $TUNELAB_DATA_DIR, else ../shared/datasets beside
/// the source tree. Empty when neither exists.
std::filesystem::path datasetsDir();

/// datasetsDir() / file (empty when there is no data directory).
std::filesystem::path datasetPath(const std::string& file);

/// True when `path` exists; used with GTEST_SKIP.
bool exists(const std::filesystem::path& path);

/// A fresh empty directory under the build tree for one test.
std::filesystem::path scratchDir(const std::string& name);

/// A small separable binary problem as CSV (columns x0, x1, label; label "yes" when
/// x0 + x1 > 1), `rows` rows drawn from a fixed seed.
void writeSeparableCsv(const std::filesystem::path& file, int rows);

/// The built `tunelab` executable.
std::filesystem::path tunelabExecutable();

/// The build directory of the preset under test.
std::filesystem::path binaryDir();

/// The project's source directory.
std::filesystem::path sourceDir();

}  // namespace tunelab::test

/// Skips the test when the data set file is not there.
#define TUNELAB_SKIP_WITHOUT(path)                                                      \
  if (!::tunelab::test::exists(path)) {                                                 \
    GTEST_SKIP() << "data set " << (path) << " not found: set TUNELAB_DATA_DIR or put " \
                 << "the data sets in ../shared/datasets";                              \
  }
