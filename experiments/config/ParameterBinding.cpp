#include "experiments/config/ParameterBinding.h"

#include <vector>

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

std::optional<std::string> referencedParameter(const nlohmann::json& value) {
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  if (text.size() < 2 || text.front() != '$') return std::nullopt;
  return text.substr(1);
}

nlohmann::json inactiveParameter() { return nlohmann::json(nlohmann::json::value_t::discarded); }

nlohmann::json bindParameters(const nlohmann::json& section, const std::string& path,
                              const std::map<std::string, nlohmann::json>& values,
                              std::set<std::string>* used) {
  if (auto reference = referencedParameter(section)) {
    const std::string& name = *reference;
    auto it = values.find(name);
    if (it == values.end()) {
      std::vector<std::string> known;
      for (const auto& [key, value] : values) known.push_back(key);
      std::string message = "refers to $" + name + ", which search.parameters does not define";
      if (auto near = nearestName(name, known); !near.empty()) {
        message += " (did you mean $" + near + "?)";
      }
      message += known.empty() ? "; define it under search.parameters"
                               : "; defined parameters: " + joinNames(known);
      throw ConfigError(path, message);
    }
    if (used != nullptr) used->insert(name);
    return it->second;
  }
  if (section.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : section.items()) {
      auto bound = bindParameters(value, path.empty() ? key : path + "." + key, values, used);
      if (!bound.is_discarded()) out[key] = std::move(bound);
    }
    return out;
  }
  if (section.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i < section.size(); ++i) {
      auto bound = bindParameters(section[i], path + "[" + std::to_string(i) + "]", values, used);
      if (!bound.is_discarded()) out.push_back(std::move(bound));
    }
    return out;
  }
  return section;
}

nlohmann::json bindExperiment(const nlohmann::json& root,
                              const std::map<std::string, nlohmann::json>& values,
                              bool requireAllUsed) {
  std::set<std::string> used;
  nlohmann::json bound = nlohmann::json::object();
  for (const auto& [key, value] : root.items()) {
    auto section = key == "search" ? value : bindParameters(value, key, values, &used);
    if (!section.is_discarded()) bound[key] = std::move(section);
  }
  if (requireAllUsed) {
    for (const auto& [name, value] : values) {
      if (!used.contains(name)) {
        throw ConfigError("search.parameters." + name,
                          "$" + name + " is defined but never used in data, model or train");
      }
    }
  }
  return bound;
}

std::map<std::string, nlohmann::json> fixedParameterValues(const nlohmann::json& root) {
  std::map<std::string, nlohmann::json> values;
  if (!root.contains("search") || !root.at("search").is_object()) return values;
  const auto& search = root.at("search");
  if (!search.contains("parameters")) return values;
  const auto& parameters = search.at("parameters");
  if (!parameters.is_object()) {
    throw ConfigError("search.parameters", "must be a mapping of parameter names to settings");
  }
  for (const auto& [name, spec] : parameters.items()) {
    const std::string key = "search.parameters." + name;
    if (!spec.is_object()) {
      values[name] = spec;  // a bare constant: nodes: 64
      continue;
    }
    if (spec.contains("value")) {
      values[name] = spec.at("value");
      continue;
    }
    throw ConfigError(key, "tunelab train trains one model, so $" + name +
                               " needs one value ({value: ...}); pick one with --set " + key +
                               ".value=..., or search over it with tunelab run");
  }
  return values;
}

}  // namespace tunelab
