#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/Error.h"

namespace tunelab {

/// An experiment file read into JSON (the form every component parses), remembering where in
/// the file each key path ("model.layers[1].rate") came from, so that any ConfigError can be
/// reported as file:line:column.
///
/// Plain scalars are typed as YAML 1.2's core schema does (null, true/false, integers,
/// floats, .inf/.nan); quoted scalars are always strings.
class YamlDocument {
 public:
  /// Throws ExperimentError naming the file (missing, unreadable) or file:line:col (syntax,
  /// duplicate key).
  static YamlDocument load(const std::filesystem::path& path);
  static YamlDocument parse(const std::string& text, const std::string& displayName);

  const nlohmann::json& root() const { return root_; }
  nlohmann::json& root() { return root_; }
  const std::string& displayName() const { return name_; }
  /// The text the document was parsed from.
  const std::string& text() const { return text_; }

  /// "file:line:col" of the deepest part of `keyPath` that the file contains ("file" alone
  /// when nothing of it is in the file).
  std::string locate(const std::string& keyPath) const;
  /// The ConfigError as the user should read it: located, with its key path.
  std::string describe(const ConfigError& error) const;

  /// The keys of the mapping at `keyPath` in the order the file writes them (keys added on the
  /// command line last): JSON objects sort their keys, and a grid follows the file's order.
  std::vector<std::string> keysInFileOrder(const std::string& keyPath) const;

  /// Records that `keyPath` came from the command line rather than the file.
  void markOverride(const std::string& keyPath);

 private:
  std::string name_;
  std::string text_;
  nlohmann::json root_;
  struct Mark {
    int line = 0;  // 1-based; 0 = from the command line
    int column = 0;
  };
  std::map<std::string, Mark> marks_;

  friend class YamlConverter;
};

}  // namespace tunelab
