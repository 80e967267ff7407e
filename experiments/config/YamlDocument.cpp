#include "experiments/config/YamlDocument.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include "experiments/config/ExperimentError.h"
#include "experiments/config/Utf8Check.h"
#include "experiments/config/YamlScalar.h"

namespace tunelab {

namespace {

std::string childKey(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

// "file:line:col" from yaml-cpp's 0-based line and column.
std::string located(const std::string& file, int line, int column) {
  return file + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1);
}

std::string located(const std::string& file, const YAML::Mark& mark) {
  return located(file, mark.line, mark.column);
}

// Where the second document of `text` starts: its "---" (or the "..." ending the first), else
// its first node.
std::string secondDocumentPlace(const YAML::Node& second, const std::string& text,
                                const std::string& file) {
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  bool content = false;
  while (std::getline(lines, line)) {
    const bool marker = line.rfind("---", 0) == 0 || line.rfind("...", 0) == 0;
    if (marker && content) return located(file, number, 0);
    const auto first = line.find_first_not_of(" \t\r");
    content = content ||
              (!marker && first != std::string::npos && line[first] != '#' && line[first] != '%');
    ++number;
  }
  return second.Mark().is_null() ? file : located(file, second.Mark());
}

// yaml-cpp 0.7's LoadAll never returns on a document that starts with a token no node can start
// with (a ',' at the top level): each parse yields an empty document without consuming the
// token, forever, and memory grows (found by tests/fuzz). The parser's events show it: a
// document that starts where the previous one started.
class StuckDocumentCheck final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (previous_ && previous_->pos == mark.pos) stuck_ = mark;
    previous_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnAlias(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnScalar(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                const std::string& /*value*/) override {}
  void OnSequenceStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/,
                       YAML::anchor_t /*anchor*/, YAML::EmitterStyle::value /*style*/) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value /*style*/) override {}
  void OnMapEnd() override {}

  const std::optional<YAML::Mark>& stuck() const { return stuck_; }

 private:
  std::optional<YAML::Mark> previous_;
  std::optional<YAML::Mark> stuck_;
};

// Throws ExperimentError at the token LoadAll would loop on; YAML::ParserException for a syntax
// error found on the way.
void refuseWhatLoadAllCannotEnd(const std::string& text, const std::string& file) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  StuckDocumentCheck check;
  while (parser.HandleNextDocument(check)) {
    if (const auto& mark = check.stuck()) {
      const char token = static_cast<std::size_t>(mark->pos) < text.size() ? text[mark->pos] : ' ';
      throw ExperimentError(located(file, *mark) + ": YAML syntax error: '" +
                            std::string(1, token) + "' cannot start a value here");
    }
  }
}

// The place of the first byte that is not UTF-8: the experiment is stored and reported as
// JSON, which holds nothing else.
void refuseInvalidUtf8(const std::string& text, const std::string& file) {
  const auto bad = firstInvalidUtf8(text);
  if (!bad) return;
  const std::string_view before(text.data(), *bad);
  const auto newline = before.rfind('\n');
  const auto column = newline == std::string_view::npos ? *bad : *bad - newline - 1;
  const auto line = std::count(before.begin(), before.end(), '\n');
  throw ExperimentError(located(file, static_cast<int>(line), static_cast<int>(column)) +
                        ": the file is not UTF-8 text (a byte that starts no UTF-8 character)");
}

}  // namespace

class YamlConverter {
 public:
  explicit YamlConverter(YamlDocument& doc) : doc_(doc) {}

  nlohmann::json convert(const YAML::Node& node, const std::string& path) {
    chargeBudget(node, path);
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return nullptr;
      case YAML::NodeType::Scalar:
        return scalar(node, path);
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
          const std::string key = utf8Scalar(entry.first, path);
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
  // yaml-cpp shares an anchored node among its aliases, and converting copies it at each: ten
  // levels of nine aliases would make 9^10 values. No experiment file comes near the budget.
  void chargeBudget(const YAML::Node& node, const std::string& path) {
    if (++values_ <= kMostValues) return;
    throw ExperimentError(located(doc_.name_, node.Mark()) + ": " +
                          (path.empty() ? "" : path + ": ") + "the file expands to more than " +
                          std::to_string(kMostValues) +
                          " values (YAML aliases such as *name repeat what &name anchors); an "
                          "experiment file holds far fewer");
  }

  // The scalar's text, which yaml-cpp 0.7 may have made invalid UTF-8 from valid UTF-8: it
  // writes the escapes \N and \_ as the single bytes 0x85 and 0xA0, and a NUL byte does what the
  // backslash does ("\0N" is 0x85; found by tests/fuzz). JSON holds only UTF-8.
  std::string utf8Scalar(const YAML::Node& node, const std::string& path) const {
    std::string text = node.Scalar();
    if (!firstInvalidUtf8(text)) return text;
    throw ExperimentError(located(doc_.name_, node.Mark()) + ": " +
                          (path.empty() ? "" : path + ": ") +
                          "the text is not UTF-8 once read as YAML (yaml-cpp reads the escapes "
                          "\\N and \\_, and a NUL byte, as bytes that are no UTF-8): write the "
                          "character itself, and no NUL byte");
  }

  nlohmann::json scalar(const YAML::Node& node, const std::string& path) {
    if (node.Tag() == "!") return utf8Scalar(node, path);
    TypedScalar typed = typePlainScalar(utf8Scalar(node, path));
    if (!typed.problem.empty()) {
      throw ExperimentError(located(doc_.name_, node.Mark()) + ": " +
                            (path.empty() ? "" : path + ": ") + typed.problem);
    }
    return std::move(typed.value);
  }

  void remember(const std::string& path, const YAML::Mark& mark) {
    doc_.marks_[path] = {mark.line + 1, mark.column + 1};
  }

  static constexpr std::size_t kMostValues = 100'000;
  YamlDocument& doc_;
  std::size_t values_ = 0;
};

YamlDocument YamlDocument::parse(const std::string& text, const std::string& displayName) {
  YamlDocument doc;
  doc.name_ = displayName;
  doc.text_ = text;
  refuseInvalidUtf8(text, displayName);
  std::vector<YAML::Node> documents;
  try {
    refuseWhatLoadAllCannotEnd(text, displayName);
    documents = YAML::LoadAll(text);
  } catch (const YAML::ParserException& e) {
    throw ExperimentError(located(displayName, e.mark) + ": YAML syntax error: " + e.msg);
  }
  if (documents.size() > 1) {
    throw ExperimentError(secondDocumentPlace(documents[1], text, displayName) +
                          ": a second YAML document starts here; an experiment file is one "
                          "document (remove the '---' and what follows, or merge it into the "
                          "first)");
  }
  const YAML::Node node = documents.empty() ? YAML::Node() : documents.front();
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
