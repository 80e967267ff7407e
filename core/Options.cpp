#include "core/Options.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/Error.h"

namespace tunelab {

namespace {

// Edit distance counting a swap of two neighbouring letters as one edit (the usual typo).
std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string typeName(const nlohmann::json& value) {
  if (value.is_null()) return "nothing";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "a list";
  return "a mapping";
}

std::string formatNumber(double v) {
  // Whole numbers in full (a limit of 16777216 reads better than 1.67772e+07).
  if (std::floor(v) == v && std::abs(v) < 1e16) return std::to_string(static_cast<long long>(v));
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace

std::string nearestName(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t bestDistance = std::string::npos;
  for (const auto& candidate : candidates) {
    const std::size_t d = editDistance(word, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  // A plausible typo: at most a third of the letters wrong (at least one edit allowed).
  const std::size_t allowed = std::max<std::size_t>(1, std::max(word.size(), best.size()) / 3);
  return bestDistance <= allowed ? best : std::string();
}

std::string joinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string canonicalName(const std::string& type, const KerasNames& known,
                          const std::string& key) {
  for (const NameAlias& a : known.aliases) {
    if (a.alias == type) return std::string(a.name);
  }
  if (std::find(known.names.begin(), known.names.end(), type) != known.names.end()) return type;
  std::string message = "unknown " + known.kind + " '" + type + "'";
  if (auto near = nearestName(type, known.names); !near.empty()) {
    message += " (did you mean '" + near + "'?)";
  }
  throw ConfigError(
      key, message + "; valid " + known.kind + "s: " + joinNames(known.names) + known.alsoValid);
}

Options::Options(const nlohmann::json& json, std::string what)
    : json_(json), what_(std::move(what)) {
  if (!json_.is_null() && !json_.is_object()) {
    throw ConfigError("", what_ + " expects a mapping of settings, got " + typeName(json_));
  }
}

bool Options::has(const std::string& key) const {
  return json_.is_object() && json_.contains(key) && !json_.at(key).is_null();
}

const nlohmann::json& Options::raw(const std::string& key) {
  read_.insert(key);
  static const nlohmann::json kNull;
  if (!has(key)) return kNull;
  return json_.at(key);
}

const nlohmann::json& Options::require(const std::string& key) {
  const auto& value = raw(key);
  if (value.is_null()) {
    checkNotMisspelled(key);
    throw ConfigError(key, "is required for " + what_);
  }
  return value;
}

void Options::checkRange(const std::string& key, double value, const Range& range) const {
  if (!std::isfinite(value)) throw ConfigError(key, "must be a finite number");
  const bool belowMin =
      range.min && (range.minExclusive ? value <= *range.min : value < *range.min);
  const bool aboveMax =
      range.max && (range.maxExclusive ? value >= *range.max : value > *range.max);
  if (!belowMin && !aboveMax) return;
  std::string bounds;
  if (range.min) bounds += (range.minExclusive ? "> " : ">= ") + formatNumber(*range.min);
  if (range.min && range.max) bounds += " and ";
  if (range.max) bounds += (range.maxExclusive ? "< " : "<= ") + formatNumber(*range.max);
  throw ConfigError(key, "must be " + bounds + ", got " + formatNumber(value));
}

double Options::number(const std::string& key, const Range& range) {
  const auto& value = require(key);
  if (!value.is_number()) throw ConfigError(key, "must be a number, got " + typeName(value));
  const double v = value.get<double>();
  checkRange(key, v, range);
  return v;
}

double Options::number(const std::string& key, double fallback, const Range& range) {
  if (!has(key)) {
    read_.insert(key);
    return fallback;
  }
  return number(key, range);
}

long long Options::integer(const std::string& key, const Range& range) {
  const auto& value = require(key);
  if (!value.is_number()) {
    throw ConfigError(key, "must be a whole number, got " + typeName(value));
  }
  const double v = value.get<double>();
  if (std::floor(v) != v) throw ConfigError(key, "must be a whole number, got " + formatNumber(v));
  // Unbounded, a whole number still has to fit the int its reader stores it in.
  Range bounded = range;
  if (!bounded.min) bounded.min = std::numeric_limits<int>::min();
  if (!bounded.max) bounded.max = std::numeric_limits<int>::max();
  checkRange(key, v, bounded);
  return static_cast<long long>(v);
}

long long Options::integer(const std::string& key, long long fallback, const Range& range) {
  if (!has(key)) {
    read_.insert(key);
    return fallback;
  }
  return integer(key, range);
}

bool Options::boolean(const std::string& key, bool fallback) {
  const auto& value = raw(key);
  if (value.is_null()) return fallback;
  if (!value.is_boolean()) {
    throw ConfigError(key, "must be true or false, got " + typeName(value));
  }
  return value.get<bool>();
}

std::string Options::string(const std::string& key) {
  const auto& value = require(key);
  if (!value.is_string()) throw ConfigError(key, "must be a string, got " + typeName(value));
  return value.get<std::string>();
}

std::string Options::string(const std::string& key, const std::string& fallback) {
  if (!has(key)) {
    read_.insert(key);
    return fallback;
  }
  return string(key);
}

std::string Options::choice(const std::string& key, const std::vector<std::string>& choices,
                            const std::string& fallback) {
  std::string value = string(key, fallback);
  if (std::find(choices.begin(), choices.end(), value) != choices.end()) return value;
  std::string message = "unknown value '" + value + "'";
  if (auto near = nearestName(value, choices); !near.empty()) {
    message += " (did you mean '" + near + "'?)";
  }
  throw ConfigError(key, message + "; valid values: " + joinNames(choices));
}

void Options::checkNotMisspelled(const std::string& key) const {
  if (!json_.is_object()) return;
  for (const auto& [candidate, value] : json_.items()) {
    if (candidate != key && !read_.contains(candidate) && nearestName(candidate, {key}) == key) {
      throw ConfigError(candidate, "unknown key '" + candidate + "' for " + what_ +
                                       " (did you mean '" + key + "'?)");
    }
  }
}

void Options::finish() const {
  if (!json_.is_object()) return;
  const std::vector<std::string> known(read_.begin(), read_.end());
  for (const auto& [key, value] : json_.items()) {
    if (read_.contains(key)) continue;
    std::string message = "unknown key '" + key + "' for " + what_;
    if (auto near = nearestName(key, known); !near.empty()) {
      message += " (did you mean '" + near + "'?)";
    }
    if (!known.empty()) message += "; valid keys: " + joinNames(known);
    throw ConfigError(key, message);
  }
}

}  // namespace tunelab
