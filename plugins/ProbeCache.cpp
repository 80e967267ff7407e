#include "plugins/ProbeCache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace tunelab {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kProbeCacheHeader = "tunelab plugin probe verdict 1";
constexpr std::uintmax_t kProbeCacheEntryLimit = std::uintmax_t{64} * 1024;

std::string nanoseconds(const timespec& time) {
  return std::to_string(static_cast<long long>(time.tv_sec) * 1000000000LL + time.tv_nsec);
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

// "<length>\n<bytes>\n": exact for any text, newlines in paths and messages included.
void writeField(std::ostream& out, std::string_view text) {
  out << text.size() << "\n" << text << "\n";
}

std::optional<std::string> readField(std::istream& in) {
  std::size_t length = 0;
  if (!(in >> length) || in.get() != '\n' || length > kProbeCacheEntryLimit) return std::nullopt;
  std::string text(length, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(length)) || in.get() != '\n') {
    return std::nullopt;
  }
  return text;
}

}  // namespace

std::optional<PluginFileStamp> stampOf(const fs::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) return std::nullopt;
  std::error_code ec;
  fs::path absolute = fs::weakly_canonical(file, ec);
  if (ec) absolute = fs::absolute(file, ec);
  return PluginFileStamp{absolute, std::to_string(info.st_dev) + " " + std::to_string(info.st_ino) +
                                       " " + std::to_string(info.st_size) + " " +
                                       nanoseconds(info.st_mtim) + " " + nanoseconds(info.st_ctim)};
}

ProbeCache::ProbeCache(fs::path directory, std::string prober)
    : directory_(std::move(directory)), prober_(std::move(prober)) {}

std::string ProbeCache::keyOf(const PluginFileStamp& stamp) const {
  return prober_ + "\n" + stamp.identity + "\n" + stamp.file.string();
}

fs::path ProbeCache::defaultDirectory() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && fs::path(xdg).is_absolute()) {
    return fs::path(xdg) / "tunelab" / "plugin-probes";
  }
  const char* home = std::getenv("HOME");
  if (home != nullptr && fs::path(home).is_absolute()) {
    return fs::path(home) / ".cache" / "tunelab" / "plugin-probes";
  }
  return {};
}

fs::path ProbeCache::entryFile(const std::string& key) const {
  std::array<char, 17> name{};
  std::snprintf(name.data(), name.size(), "%016llx", static_cast<unsigned long long>(fnv1a(key)));
  return directory_ / (std::string(name.data()) + ".verdict");
}

std::optional<ProbeVerdict> ProbeCache::find(const PluginFileStamp& stamp) const {
  if (directory_.empty()) return std::nullopt;
  const std::string key = keyOf(stamp);
  const fs::path file = entryFile(key);
  std::error_code ec;
  if (!fs::is_regular_file(file, ec) || fs::file_size(file, ec) > kProbeCacheEntryLimit) {
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  std::string header;
  if (!std::getline(in, header) || header != kProbeCacheHeader) return std::nullopt;
  const auto storedKey = readField(in);
  const auto verdict = readField(in);
  const auto failure = readField(in);
  // Another file whose key hashes alike, or a damaged entry: probe again.
  if (!storedKey || *storedKey != key || !verdict || !failure) return std::nullopt;
  if (*verdict == "survived" && failure->empty()) return ProbeVerdict{true, {}, true};
  if (*verdict == "refused" && !failure->empty()) return ProbeVerdict{false, *failure, true};
  return std::nullopt;
}

void ProbeCache::store(const PluginFileStamp& stamp, const ProbeVerdict& verdict) const {
  if (directory_.empty()) return;
  std::error_code ec;
  fs::create_directories(directory_, ec);
  const std::string key = keyOf(stamp);
  const fs::path file = entryFile(key);
  static std::atomic<unsigned> counter{0};
  const fs::path temporary = file.string() + ".tmp." + std::to_string(::getpid()) + "." +
                             std::to_string(counter.fetch_add(1));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << kProbeCacheHeader << "\n";
    writeField(out, key);
    writeField(out, verdict.survived ? "survived" : "refused");
    writeField(out, verdict.failure);
    if (!out.flush()) {
      fs::remove(temporary, ec);
      return;
    }
  }
  // Atomic: a reader sees the old entry or the new one, never half of one.
  fs::rename(temporary, file, ec);
  if (ec) fs::remove(temporary, ec);
}

}  // namespace tunelab
