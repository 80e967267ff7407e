#include "core/data/DatasetResolver.h"

#include <cstdlib>

#include "core/Error.h"
#include "core/Options.h"
#include "core/PathList.h"
#include "core/data/Download.h"

namespace tunelab {

namespace {

namespace fs = std::filesystem;

// A file of a known data set and, where a public copy with a known checksum exists, how to
// fetch it.
struct KnownFile {
  const char* name;
  const char* url = nullptr;         // public source
  const char* remoteName = nullptr;  // file name at the source (for downloadBaseUrl)
  const char* sha256 = nullptr;      // of the downloaded bytes
  const char* header = nullptr;      // prepended after download (MAGIC has no header row)
};

struct KnownDataset {
  const char* name;
  ResolvedSource::Kind kind;
  const char* directory;  // Idx: sub-directory name
  std::vector<KnownFile> files;
  const char* debianDir = nullptr;
};

const std::vector<KnownDataset>& known() {
  using K = ResolvedSource::Kind;
  static const std::vector<KnownDataset> kKnown = {
      {"magic04",
       K::Csv,
       nullptr,
       {{"magic04.csv",
         "https://archive.ics.uci.edu/ml/machine-learning-databases/magic/magic04.data",
         "magic04.data", "e9314b7ebd4b4b59a3b3d65f7316663963777b16a46786877651dbbaa640b36a",
         "fLength,fWidth,fSize,fConc,fConc1,fAsym,fM3Long,fM3Trans,fAlpha,fDist,class\n"}}},
      {"california_housing",
       K::Csv,
       nullptr,
       {{"california_housing.csv",
         "https://raw.githubusercontent.com/ageron/handson-ml2/master/datasets/housing/housing.csv",
         "housing.csv", "8a3727f4cf54ac1a327f69b1d5b4db54c5834ea81c6e4efc0d163300022a685e"}}},
      {"fashion_mnist",
       K::Idx,
       "fashion-mnist",
       {{"train-images-idx3-ubyte.gz"},
        {"train-labels-idx1-ubyte.gz"},
        {"t10k-images-idx3-ubyte.gz"},
        {"t10k-labels-idx1-ubyte.gz"}},
       "/usr/share/datasets/fashion-mnist"},
      {"mnist", K::Idx, "mnist", {{"t10k-images-idx3-ubyte.gz"}, {"t10k-labels-idx1-ubyte.gz"}}},
      {"iris", K::Csv, nullptr, {{"iris.csv"}}},
      {"wine", K::Csv, nullptr, {{"wine.csv"}}},
      {"breast_cancer", K::Csv, nullptr, {{"breast_cancer.csv"}}},
      {"digits", K::Csv, nullptr, {{"digits.csv"}}},
      {"diabetes", K::Csv, nullptr, {{"diabetes.csv"}}},
      {"boston_housing", K::Csv, nullptr, {{"boston_housing.csv"}}},
      {"adult", K::Csv, nullptr, {{"adult_train.csv"}, {"adult_test.csv"}}},
  };
  return kKnown;
}

bool hasIdx(const fs::path& dir, const char* prefix) {
  return fs::exists(dir / (std::string(prefix) + "-images-idx3-ubyte.gz")) &&
         fs::exists(dir / (std::string(prefix) + "-labels-idx1-ubyte.gz"));
}

ResolvedSource fromDirectory(const fs::path& dir) {
  ResolvedSource r;
  r.kind = ResolvedSource::Kind::Idx;
  r.directory = dir;
  r.idxHasTrainFiles = hasIdx(dir, "train");
  if (!r.idxHasTrainFiles && !hasIdx(dir, "t10k")) {
    throw DataError(dir.string() +
                    ": a data directory must hold IDX files (train-images-idx3-ubyte.gz, "
                    "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
                    "t10k-labels-idx1-ubyte.gz)");
  }
  return r;
}

ResolvedSource fromPath(const fs::path& path) {
  if (fs::is_directory(path)) return fromDirectory(path);
  ResolvedSource r;
  r.file = path;
  return r;
}

// The data set's files in `dir`, or nothing when one is missing.
std::optional<ResolvedSource> lookIn(const KnownDataset& d, const fs::path& dir) {
  const fs::path base = d.kind == ResolvedSource::Kind::Idx && dir.filename() != d.directory
                            ? dir / d.directory
                            : dir;
  for (const auto& f : d.files) {
    if (!fs::exists(base / f.name)) return std::nullopt;
  }
  if (d.kind == ResolvedSource::Kind::Idx) return fromDirectory(base);
  ResolvedSource r;
  r.file = base / d.files[0].name;
  if (d.files.size() > 1) r.testFile = base / d.files[1].name;
  return r;
}

}  // namespace

std::vector<std::string> knownDatasetNames() {
  std::vector<std::string> names;
  for (const auto& d : known()) names.emplace_back(d.name);
  return names;
}

DataLocations defaultDataLocations(std::vector<fs::path> extraDirs) {
  DataLocations where;
  where.dataDirs = std::move(extraDirs);
  const auto fromEnvironment = pathsFromEnvironment("TUNELAB_DATA_DIR");
  where.dataDirs.insert(where.dataDirs.end(), fromEnvironment.begin(), fromEnvironment.end());
  // The project's shared data sets beside the checkout, when run from the checkout's root.
  if (std::error_code ec; fs::is_directory("../shared/datasets", ec)) {
    where.dataDirs.emplace_back("../shared/datasets");
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    where.cacheDir = fs::path(xdg) / "tunelab" / "datasets";
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    where.cacheDir = fs::path(home) / ".cache" / "tunelab" / "datasets";
  }
  return where;
}

ResolvedSource resolveSource(const std::string& source, const DataLocations& where) {
  const fs::path asPath(source);
  std::vector<std::string> searched;
  if (fs::exists(asPath)) return fromPath(asPath);
  searched.push_back(fs::absolute(asPath).string());
  if (asPath.is_relative()) {
    for (const auto& dir : where.dataDirs) {
      if (fs::exists(dir / asPath)) return fromPath(dir / asPath);
      searched.push_back((dir / asPath).string());
    }
  }

  const KnownDataset* dataset = nullptr;
  for (const auto& d : known()) {
    if (source == d.name) dataset = &d;
  }
  if (dataset == nullptr) {
    std::string message = "data source '" + source + "' is neither a file nor a known data set";
    if (auto near = nearestName(source, knownDatasetNames()); !near.empty()) {
      message += " (did you mean '" + near + "'?)";
    }
    message += "; known data sets: " + joinNames(knownDatasetNames()) + "; searched: ";
    for (std::size_t i = 0; i < searched.size(); ++i) message += (i ? ", " : "") + searched[i];
    throw DataError(message);
  }

  std::vector<fs::path> places = where.dataDirs;
  if (dataset->debianDir != nullptr) places.emplace_back(dataset->debianDir);
  if (!where.cacheDir.empty()) places.push_back(where.cacheDir);
  for (const auto& dir : places) {
    if (auto found = lookIn(*dataset, dir)) return *found;
  }

  const bool downloadable = dataset->files.size() == 1 && dataset->files[0].url != nullptr;
  if (downloadable && where.allowDownload && !where.cacheDir.empty()) {
    const KnownFile& f = dataset->files[0];
    const std::string url = where.downloadBaseUrl.empty()
                                ? std::string(f.url)
                                : where.downloadBaseUrl + "/" + f.remoteName;
    downloadVerified(url, f.sha256, where.cacheDir / f.name, f.header ? f.header : "");
    if (auto found = lookIn(*dataset, where.cacheDir)) return *found;
  }

  std::string files;
  for (const auto& f : dataset->files) files += (files.empty() ? "" : ", ") + std::string(f.name);
  std::string message = "data set '" + source + "' (" + files + ") not found; searched: ";
  for (std::size_t i = 0; i < places.size(); ++i) {
    message += (i ? ", " : "") + places[i].string();
  }
  if (places.empty()) message += "(no data directory given)";
  message += ". Put the file" + std::string(dataset->files.size() > 1 ? "s" : "") +
             " in a directory and pass --data-dir DIR or set TUNELAB_DATA_DIR";
  if (dataset->debianDir != nullptr) message += ", or install the Debian package";
  throw DataError(message);
}

}  // namespace tunelab
