#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "plugins/PluginProbe.h"

namespace tunelab {

/// What identifies one version of a plugin file: its path, size, modification and change
/// times and inode. Writing, replacing or touching the file changes it.
struct PluginFileStamp {
  std::filesystem::path file;
  std::string identity;  // "device inode size mtime ctime" (nanoseconds)
};

/// The stamp of `file` (following symbolic links); nothing when it cannot be read.
std::optional<PluginFileStamp> stampOf(const std::filesystem::path& file);

/// Probe verdicts kept between runs, one small file per plugin version, so a plugin is probed
/// again only when it changes. A cache that cannot be read, written or parsed only costs a
/// new probe: a damaged entry is a miss, and every write replaces a whole entry atomically.
class ProbeCache {
 public:
  /// `directory` empty: nothing is kept. `prober` identifies the probe and the tunelab that
  /// reads its verdicts (a new tunelab probes again).
  ProbeCache(std::filesystem::path directory, std::string prober);

  /// $XDG_CACHE_HOME/tunelab/plugin-probes, else $HOME/.cache/tunelab/plugin-probes, else
  /// empty.
  static std::filesystem::path defaultDirectory();

  std::optional<ProbeVerdict> find(const PluginFileStamp& stamp) const;
  void store(const PluginFileStamp& stamp, const ProbeVerdict& verdict) const;
  const std::filesystem::path& directory() const { return directory_; }

 private:
  std::string keyOf(const PluginFileStamp& stamp) const;
  std::filesystem::path entryFile(const std::string& key) const;

  std::filesystem::path directory_;
  std::string prober_;
};

}  // namespace tunelab
