#pragma once

#include <stdexcept>
#include <string>

#include "core/Export.h"

namespace tunelab {

/// Base of every error tunelab reports to a user: the message says what to do about it.
class TUNELAB_API Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message);
  ~Error() override;
};

/// A setting that is missing, misspelled, of the wrong type or out of range. keyPath() is the
/// dotted path inside the options that were read (e.g. "layers[1].rate"), so a caller that
/// knows where the options came from (a YAML file) can point at the line.
class TUNELAB_API ConfigError : public Error {
 public:
  ConfigError(std::string keyPath, const std::string& message);
  ~ConfigError() override;
  const std::string& keyPath() const { return keyPath_; }
  const std::string& detail() const { return detail_; }
  /// The same error with `prefix` put in front of the key path ("model" + "layers[1]").
  ConfigError withPrefix(const std::string& prefix) const;

 private:
  std::string keyPath_;
  std::string detail_;
};

/// Runs `read` and returns what it returns; a ConfigError it throws gets `prefix` in front of its
/// key path, so a component's errors name their place in the file.
template <typename F>
auto withKeyPrefix(const std::string& prefix, F&& read) {
  try {
    return read();
  } catch (const ConfigError& e) {
    throw e.withPrefix(prefix);
  }
}

/// A data file that cannot be read or does not fit what was asked of it.
class TUNELAB_API DataError : public Error {
 public:
  explicit DataError(const std::string& message);
  ~DataError() override;
};

}  // namespace tunelab
