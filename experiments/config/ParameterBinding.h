#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

namespace tunelab {

/// The value of a parameter that is inactive in a trial (its `when` does not hold): the mapping
/// key or list item it fills is left out, as if the file did not write it.
nlohmann::json inactiveParameter();

/// The parameter a value names when it is a reference ("$lr": lr); nothing otherwise.
std::optional<std::string> referencedParameter(const nlohmann::json& value);

/// Replaces every string "$name" inside `section` by values[name]; a key or list item whose
/// value is inactiveParameter() is removed. `path` is the key path of `section` for errors.
/// Throws ConfigError for a "$name" with no value (listing the known parameters). `used`
/// collects the names that were referenced.
nlohmann::json bindParameters(const nlohmann::json& section, const std::string& path,
                              const std::map<std::string, nlohmann::json>& values,
                              std::set<std::string>* used = nullptr);

/// Binds `values` into every section of an experiment but `search`. With `requireAllUsed`,
/// a parameter that no section references is a ConfigError (a likely typo in a $name).
nlohmann::json bindExperiment(const nlohmann::json& root,
                              const std::map<std::string, nlohmann::json>& values,
                              bool requireAllUsed);

/// The single value of each parameter in `search.parameters` (the `value:` form), for
/// `tunelab train`. A parameter given as values/min/max is an error that says how to pick one.
std::map<std::string, nlohmann::json> fixedParameterValues(const nlohmann::json& root);

}  // namespace tunelab
