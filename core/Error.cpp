#include "core/Error.h"

namespace tunelab {

Error::Error(const std::string& message) : std::runtime_error(message) {}
Error::~Error() = default;

namespace {
std::string joinKey(const std::string& prefix, const std::string& key) {
  if (prefix.empty()) return key;
  if (key.empty()) return prefix;
  if (key.front() == '[') return prefix + key;
  return prefix + "." + key;
}
std::string render(const std::string& keyPath, const std::string& detail) {
  return keyPath.empty() ? detail : keyPath + ": " + detail;
}
}  // namespace

ConfigError::ConfigError(std::string keyPath, const std::string& message)
    : Error(render(keyPath, message)), keyPath_(std::move(keyPath)), detail_(message) {}
ConfigError::~ConfigError() = default;

ConfigError ConfigError::withPrefix(const std::string& prefix) const {
  return ConfigError(joinKey(prefix, keyPath_), detail_);
}

DataError::DataError(const std::string& message) : Error(message) {}
DataError::~DataError() = default;

}  // namespace tunelab
