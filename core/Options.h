#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/Export.h"

namespace tunelab {

/// Bounds a number must respect: {.min = 0, .max = 1, .maxExclusive = true}.
struct Range {
  std::optional<double> min;
  std::optional<double> max;
  bool minExclusive = false;
  bool maxExclusive = false;
};

/// Reads the settings of one component (a layer, an optimizer, a loss) from a JSON object
/// and turns every mistake into a ConfigError with the key path: wrong type, out of range,
/// or (at finish()) a key nobody read, with the nearest valid key as a suggestion.
///
///   Options o(json, "dense");
///   int units = o.integer("units", {.min = 1});
///   std::string act = o.string("activation", "linear");
///   o.finish();
class TUNELAB_API Options {
 public:
  /// `json` must be an object (or null for no options). `what` names the component in
  /// messages ("dense layer").
  Options(const nlohmann::json& json, std::string what);

  bool has(const std::string& key) const;

  double number(const std::string& key, const Range& range = {});
  double number(const std::string& key, double fallback, const Range& range = {});
  /// A whole number within `range`; a bound it leaves open is an int's (-2^31, 2^31 - 1).
  long long integer(const std::string& key, const Range& range = {});
  long long integer(const std::string& key, long long fallback, const Range& range = {});
  bool boolean(const std::string& key, bool fallback);
  std::string string(const std::string& key);
  std::string string(const std::string& key, const std::string& fallback);
  /// One of `choices`; the error lists them.
  std::string choice(const std::string& key, const std::vector<std::string>& choices,
                     const std::string& fallback);
  /// The raw value (null when absent); marks the key as read.
  const nlohmann::json& raw(const std::string& key);

  /// Throws for any key that was never read, suggesting the nearest read key.
  void finish() const;
  /// `key` is missing: throws for a key not read yet that looks like its misspelling ("los"
  /// for "loss"), so the typo, not the section, is reported. Does nothing otherwise.
  void checkNotMisspelled(const std::string& key) const;

 private:
  const nlohmann::json& require(const std::string& key);
  void checkRange(const std::string& key, double value, const Range& range) const;

  const nlohmann::json& json_;
  std::string what_;
  std::set<std::string> read_;
};

/// The candidate closest to `word` by edit distance, or "" when none is close enough to be a
/// plausible typo.
TUNELAB_API std::string nearestName(const std::string& word,
                                    const std::vector<std::string>& candidates);
/// "a, b, c": for messages.
TUNELAB_API std::string joinNames(const std::vector<std::string>& names);

/// Another spelling Keras takes for a name (its class name, a short form): {"HeNormal",
/// "he_normal"}.
struct NameAlias {
  std::string_view alias;
  std::string_view name;
};

/// The names of one kind of Keras object (initializers, regularizers, ...) and their aliases.
struct KerasNames {
  std::string kind;  // "initializer": in "unknown initializer 'x'; valid initializers: ..."
  std::vector<std::string> names;
  std::span<const NameAlias> aliases;
  std::string alsoValid;  // appended to the list of valid names: ", or {l1: x, l2: y}"
};

/// `type` as one of `known.names`, an alias turned into its name; anything else is a
/// ConfigError at `key` naming the nearest name and every valid one.
TUNELAB_API std::string canonicalName(const std::string& type, const KerasNames& known,
                                      const std::string& key);

}  // namespace tunelab
