#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/data/Dataset.h"
#include "core/data/DatasetResolver.h"

namespace tunelab::test {

/// True in the asan and tsan presets, where training for real is 10-50x slower: tests of
/// model quality skip there, and tests that train a whole study train fewer epochs.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

/// Where tests look for data sets: where tunelab looks ($TUNELAB_DATA_DIR, Debian's package
/// directories, the download cache), and ../shared/datasets beside the source tree. Tests never
/// download.
DataLocations dataLocations();

/// A known data set (magic04, fashion_mnist, ...) found as tunelab finds it; when it is not
/// there, `missing` says which files are needed, where they were looked for and how to get them.
struct FoundDataset {
  std::optional<ResolvedSource> source;
  std::string missing;
};
FoundDataset findDataset(const std::string& name);

/// The file of a known CSV data set, or the directory of an IDX one; empty when not found.
std::filesystem::path datasetFile(const std::string& name);

/// A fresh empty directory under the build tree, `name` under the running test's own one.
std::filesystem::path scratchDir(const std::string& name);

/// A small separable binary problem as CSV (columns x0, x1, label; label "yes" when
/// x0 + x1 > 1), `rows` rows drawn from a fixed seed.
void writeSeparableCsv(const std::filesystem::path& file, int rows);

/// `text` with the first `from` replaced by `to`; a test failure when `from` is not in it (an
/// experiment file a case edits must still hold what the case replaces).
std::string replaced(std::string text, const std::string& from, const std::string& to);

/// `bytes` gzip-compressed into `file` (IDX data sets come so).
void writeGzip(const std::filesystem::path& file, const std::vector<unsigned char>& bytes);

/// The built `tunelab` executable.
std::filesystem::path tunelabExecutable();

/// The build directory of the preset under test.
std::filesystem::path binaryDir();

/// The project's source directory.
std::filesystem::path sourceDir();

/// Two noisy Gaussian blobs in 4-D, labels 0 and 1 in turn, centred at -offset and +offset:
/// a binary problem a small MLP learns in a few epochs.
Dataset twoBlobs(std::size_t n, std::uint64_t seed, float offset);

}  // namespace tunelab::test

/// Skips the test, saying what is missing and how to get it, when the known data set `name`
/// is not found.
#define TUNELAB_REQUIRE_DATASET(name)                                           \
  if (const auto found = ::tunelab::test::findDataset(name); !found.source) {   \
    GTEST_SKIP() << "needs the data set '" << (name) << "': " << found.missing; \
  }
