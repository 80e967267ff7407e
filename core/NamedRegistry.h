#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

/// Factories by name, remembering where each came from ("built-in" or a plugin file), so a
/// clash names both origins and an unknown name lists the known ones.
template <typename Factory>
class NamedRegistry {
 public:
  /// `kind` names the entries in messages: "layer type", "backend", "strategy".
  explicit NamedRegistry(std::string kind) : kind_(std::move(kind)) {}

  /// Throws Error when `name` is taken, naming both origins.
  void add(const std::string& name, Factory factory, std::string origin) {
    if (auto it = entries_.find(name); it != entries_.end()) {
      throw Error(kind_ + " '" + name + "' is registered twice: by " + it->second.origin +
                  " and by " + origin);
    }
    entries_.emplace(name, Entry{std::move(factory), std::move(origin)});
  }

  bool contains(const std::string& name) const { return entries_.contains(name); }

  /// Throws ConfigError (key "type") listing the known names and the nearest one.
  const Factory& get(const std::string& name) const {
    auto it = entries_.find(name);
    if (it == entries_.end()) {
      std::string message = "unknown " + kind_ + " '" + name + "'";
      if (auto near = nearestName(name, names()); !near.empty()) {
        message += " (did you mean '" + near + "'?)";
      }
      throw ConfigError("type", message + "; available: " + joinNames(names()) + suffix_);
    }
    return it->second.factory;
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    out.reserve(entries_.size());
    for (const auto& [name, entry] : entries_) out.push_back(name);
    return out;
  }

  const std::string& origin(const std::string& name) const { return entries_.at(name).origin; }

  /// Text appended to "unknown" messages, e.g. which plugin directories were searched.
  void setUnknownHint(std::string hint) { suffix_ = std::move(hint); }

 private:
  struct Entry {
    Factory factory;
    std::string origin;
  };
  std::string kind_;
  std::string suffix_;
  std::map<std::string, Entry> entries_;
};

}  // namespace tunelab
