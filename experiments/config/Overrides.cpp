#include "experiments/config/Overrides.h"

#include <yaml-cpp/yaml.h>

#include "experiments/config/ExperimentError.h"

namespace tunelab {

namespace {

// The value of an override, typed as the same text would be in the file.
nlohmann::json parseValue(const std::string& text, const std::string& override) {
  try {
    return YamlDocument::parse("v: " + text, "--set").root().at("v");
  } catch (const Error&) {
    throw ExperimentError("--set " + override + ": the value is not valid YAML");
  }
}

}  // namespace

void applyOverrides(YamlDocument& document, const std::vector<std::string>& overrides) {
  for (const auto& override : overrides) {
    const auto eq = override.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw ExperimentError("--set " + override + ": expected key=value, e.g. train.epochs=5");
    }
    const std::string path = override.substr(0, eq);
    nlohmann::json* node = &document.root();
    std::size_t pos = 0;
    while (pos < path.size()) {
      if (path[pos] == '[') {
        const auto close = path.find(']', pos);
        if (close == std::string::npos) {
          throw ExperimentError("--set " + override + ": missing ']' in the key");
        }
        std::size_t index = 0;
        try {
          index = std::stoul(path.substr(pos + 1, close - pos - 1));
        } catch (const std::exception&) {
          throw ExperimentError("--set " + override + ": the list index must be a number");
        }
        if (!node->is_array() || index >= node->size()) {
          throw ExperimentError("--set " + override + ": " + path.substr(0, close + 1) +
                                " is not an element of a list in the file");
        }
        node = &(*node)[index];
        pos = close + 1;
      } else {
        const std::size_t parentEnd = pos;  // the key path of `node`, without the '.'
        if (path[pos] == '.') ++pos;
        const auto next = path.find_first_of(".[", pos);
        const std::string key = path.substr(pos, next == std::string::npos ? next : next - pos);
        if (key.empty()) throw ExperimentError("--set " + override + ": empty key");
        if (node->is_null()) *node = nlohmann::json::object();
        if (!node->is_object()) {
          throw ExperimentError("--set " + override + ": '" + path.substr(0, parentEnd) +
                                "' is not a mapping in the file");
        }
        node = &(*node)[key];
        pos = next == std::string::npos ? path.size() : next;
      }
    }
    *node = parseValue(override.substr(eq + 1), override);
    document.markOverride(path);
  }
}

}  // namespace tunelab
