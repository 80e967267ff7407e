#include "core/PathList.h"

#include <cstdlib>
#include <string>

namespace tunelab {

std::vector<std::filesystem::path> pathsFromEnvironment(const char* variable) {
  std::vector<std::filesystem::path> paths;
  const char* value = std::getenv(variable);
  if (value == nullptr) return paths;
  const std::string list = value;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto end = list.find(':', start);
    const std::string part = list.substr(start, end == std::string::npos ? end : end - start);
    if (!part.empty()) paths.emplace_back(part);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return paths;
}

}  // namespace tunelab
