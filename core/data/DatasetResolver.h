#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/Export.h"

namespace tunelab {

/// Where data sets are looked for, in this order: each data directory, the places Debian
/// packages install them, the download cache, then a download into the cache.
struct DataLocations {
  std::vector<std::filesystem::path> dataDirs;
  std::filesystem::path cacheDir;
  std::string downloadBaseUrl;  // replaces a known set's public host (tests use loopback)
  bool allowDownload = true;
};

/// `extraDirs` (--data-dir) first, then $TUNELAB_DATA_DIR (':'-separated); the cache is
/// $XDG_CACHE_HOME/tunelab/datasets or ~/.cache/tunelab/datasets.
TUNELAB_API DataLocations defaultDataLocations(std::vector<std::filesystem::path> extraDirs);

/// A data source found on disk.
struct ResolvedSource {
  enum class Kind : std::uint8_t { Csv, Idx };
  Kind kind = Kind::Csv;
  std::filesystem::path file;       // Csv: the table (train part when testFile is set)
  std::filesystem::path testFile;   // Csv: a separate test table (adult), or empty
  std::filesystem::path directory;  // Idx: holds train-*/t10k-* -idx?-ubyte.gz files
  bool idxHasTrainFiles = false;    // Idx: false when only t10k-* files exist (shared MNIST)
};

/// Finds `source`: an existing path (file, or a directory of IDX files; relative paths are
/// tried against the working directory, then each data directory), or a known name (magic04,
/// california_housing, fashion_mnist, mnist, iris, wine, breast_cancer, digits, diabetes,
/// boston_housing, adult). Throws DataError listing every place searched and where to put the
/// file when nothing is found.
TUNELAB_API ResolvedSource resolveSource(const std::string& source, const DataLocations& where);

/// The known data set names.
TUNELAB_API std::vector<std::string> knownDatasetNames();

}  // namespace tunelab
