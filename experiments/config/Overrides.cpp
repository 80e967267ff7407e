#include "experiments/config/Overrides.h"

#include <yaml-cpp/yaml.h>

#include "experiments/config/ExperimentError.h"
#include "experiments/config/Utf8Check.h"

namespace tunelab {

namespace {

// What is wrong with the value, from the error of the document "v: VALUE": without its
// place ("--set:1:4: ") and its key ("v: ", "v[0]: "), which mean nothing to the user.
std::string valueProblem(const std::string& message) {
  if (message.find("YAML syntax error") != std::string::npos) return "the value is not valid YAML";
  const auto place = message.find(": ");
  const auto key = message.find(": ", place + 2);
  if (place == std::string::npos) return message;
  if (message.compare(place + 2, 1, "v") == 0 && key != std::string::npos) {
    return message.substr(key + 2);
  }
  return message.substr(place + 2);
}

// The value of an override, typed as the same text would be in the file.
nlohmann::json parseValue(const std::string& text, const std::string& override) {
  try {
    return YamlDocument::parse("v: " + text, "--set").root().at("v");
  } catch (const Error& e) {
    throw ExperimentError("--set " + override + ": " + valueProblem(e.what()));
  }
}

}  // namespace

void applyOverrides(YamlDocument& document, const std::vector<std::string>& overrides) {
  for (const auto& override : overrides) {
    if (firstInvalidUtf8(override)) {
      throw ExperimentError("--set " + override + ": not UTF-8 text");
    }
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
