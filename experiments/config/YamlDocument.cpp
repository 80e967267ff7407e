#include "experiments/config/YamlDocument.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>

#include "experiments/config/ExperimentError.h"

namespace tunelab {

namespace {

bool isOneOf(const std::string& s, std::initializer_list<const char*> options) {
  for (const char* o : options) {
    if (s == o) return true;
  }
  return false;
}

// YAML 1.2 core schema typing of a plain scalar.
nlohmann::json typedScalar(const std::string& text) {
  if (isOneOf(text, {"", "~", "null", "Null", "NULL"})) return nullptr;
  if (isOneOf(text, {"true", "True", "TRUE"})) return true;
  if (isOneOf(text, {"false", "False", "FALSE"})) return false;
  if (isOneOf(text, {".inf", ".Inf", ".INF", "+.inf"})) {
    return std::numeric_limits<double>::infinity();
  }
  if (isOneOf(text, {"-.inf", "-.Inf", "-.INF"})) return -std::numeric_limits<double>::infinity();
  if (isOneOf(text, {".nan", ".NaN", ".NAN"})) return std::numeric_limits<double>::quiet_NaN();
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (*begin == '+') ++begin;
  long long integer = 0;
  if (auto [ptr, ec] = std::from_chars(begin, end, integer); ec == std::errc() && ptr == end) {
    return integer;
  }
  double real = 0.0;
  if (auto [ptr, ec] = std::from_chars(begin, end, real); ec == std::errc() && ptr == end) {
    return real;
  }
  return text;
}

std::string childKey(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

}  // namespace

class YamlConverter {
 public:
  explicit YamlConverter(YamlDocument& doc) : doc_(doc) {}

  nlohmann::json convert(const YAML::Node& node, const std::string& path) {
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return nullptr;
      case YAML::NodeType::Scalar:
        return node.Tag() == "!" ? nlohmann::json(node.Scalar()) : typedScalar(node.Scalar());
      case YAML::NodeType::Sequence: {
        nlohmann::json out = nlohmann::json::array();
        for (std::size_t i = 0; i < node.size(); ++i) {
          const std::string itemPath = path + "[" + std::to_string(i) + "]";
          remember(itemPath, node[i].Mark());
          out.push_back(convert(node[i], itemPath));
        }
        return out;
      }
      case YAML::NodeType::Map: {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& entry : node) {
          const std::string key = entry.first.Scalar();
          const std::string keyPath = childKey(path, key);
          if (out.contains(key)) {
            const auto m = entry.first.Mark();
            throw ExperimentError(doc_.name_ + ":" + std::to_string(m.line + 1) + ":" +
                                  std::to_string(m.column + 1) + ": duplicate key '" + keyPath +
                                  "' (first given at " + doc_.locate(keyPath) + ")");
          }
          remember(keyPath, entry.first.Mark());
          out[key] = convert(entry.second, keyPath);
        }
        return out;
      }
    }
    return nullptr;
  }

 private:
  void remember(const std::string& path, const YAML::Mark& mark) {
    doc_.marks_[path] = {mark.line + 1, mark.column + 1};
  }

  YamlDocument& doc_;
};

YamlDocument YamlDocument::parse(const std::string& text, const std::string& displayName) {
  YamlDocument doc;
  doc.name_ = displayName;
  doc.text_ = text;
  YAML::Node node;
  try {
    node = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ExperimentError(displayName + ":" + std::to_string(e.mark.line + 1) + ":" +
                          std::to_string(e.mark.column + 1) + ": YAML syntax error: " + e.msg);
  }
  if (!node.IsMap()) {
    throw ExperimentError(displayName +
                          ": an experiment file is a YAML mapping (name:, data:, model:, train:, "
                          "...); this file holds " +
                          (node.IsNull() ? std::string("nothing") : std::string("something else")));
  }
  doc.root_ = YamlConverter(doc).convert(node, "");
  return doc;
}

YamlDocument YamlDocument::load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw ExperimentError(
        path.string() + ": cannot open the experiment file" +
        (std::filesystem::exists(path) ? " (permission denied?)" : " (no such file)"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path.string());
}

std::string YamlDocument::locate(const std::string& keyPath) const {
  std::string path = keyPath;
  while (!path.empty()) {
    if (auto it = marks_.find(path); it != marks_.end()) {
      if (it->second.line == 0) return name_ + " (--set " + path + ")";
      return name_ + ":" + std::to_string(it->second.line) + ":" +
             std::to_string(it->second.column);
    }
    const auto cut = path.find_last_of(".[");
    if (cut == std::string::npos) break;
    path.resize(cut);
  }
  return name_;
}

std::string YamlDocument::describe(const ConfigError& error) const {
  return locate(error.keyPath()) + ": " + error.what();
}

std::vector<std::string> YamlDocument::keysInFileOrder(const std::string& keyPath) const {
  const nlohmann::json* node = &root_;
  for (std::size_t start = 0; node != nullptr && start < keyPath.size();) {
    const auto dot = keyPath.find('.', start);
    const std::string key = keyPath.substr(start, dot == std::string::npos ? dot : dot - start);
    node = node->is_object() && node->contains(key) ? &node->at(key) : nullptr;
    start = dot == std::string::npos ? keyPath.size() : dot + 1;
  }
  std::vector<std::pair<std::pair<int, int>, std::string>> keyed;
  if (node == nullptr || !node->is_object()) return {};
  for (const auto& [key, value] : node->items()) {
    auto it = marks_.find(keyPath + "." + key);
    const bool inFile = it != marks_.end() && it->second.line > 0;
    const std::pair<int, int> mark = inFile ? std::pair{it->second.line, it->second.column}
                                            : std::pair{std::numeric_limits<int>::max(), 0};
    keyed.emplace_back(mark, key);
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> keys;
  for (auto& [mark, key] : keyed) keys.push_back(std::move(key));
  return keys;
}

void YamlDocument::markOverride(const std::string& keyPath) { marks_[keyPath] = {0, 0}; }

}  // namespace tunelab
