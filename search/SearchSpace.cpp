#include "search/SearchSpace.h"

#include <algorithm>
#include <cmath>

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

namespace {

using Json = nlohmann::json;

std::vector<Json> listOf(const Json& value) {
  if (value.is_array()) return {value.begin(), value.end()};
  return {value};
}

// The largest bound of an int range: every integer up to 2^53 is exact in a double.
constexpr double kLargestRangeInteger = 9'007'199'254'740'992.0;
// The most values a range quantised by q may hold.
constexpr double kMostQuantisedValues = 1'000'000;

// A range whose width overflows, whose q leaves fewer than two values or makes too many, or
// an int range beyond exact integers, cannot be sampled faithfully.
void checkRangeSize(const Parameter& p) {
  if (!std::isfinite(p.max - p.min)) {
    throw ConfigError("max", "the range from " + Json(p.min).dump() + " to " + Json(p.max).dump() +
                                 " is wider than a double holds");
  }
  if (p.step > 0 && p.max > p.min && p.step > p.max - p.min) {
    throw ConfigError("q", "q " + Json(p.step).dump() + " is larger than the range (max - min = " +
                               Json(p.max - p.min).dump() + "), which leaves only min");
  }
  if (p.step > 0 && (p.max - p.min) / p.step > kMostQuantisedValues) {
    throw ConfigError("q", "q " + Json(p.step).dump() + " cuts the range into more than " +
                               std::to_string(static_cast<long long>(kMostQuantisedValues)) +
                               " values; choose a larger q, or leave q out for a continuous range");
  }
}

void checkIntegerBounds(const Parameter& p, const std::string& distribution) {
  if (p.min != std::floor(p.min) || p.max != std::floor(p.max)) {
    throw ConfigError("min", distribution + " needs integer bounds");
  }
  for (const auto& [key, bound] : {std::pair{"min", p.min}, std::pair{"max", p.max}}) {
    if (std::abs(bound) > kLargestRangeInteger) {
      throw ConfigError(key, distribution + " needs bounds from -2^53 to 2^53 (" +
                                 std::to_string(static_cast<long long>(kLargestRangeInteger)) +
                                 "), got " + Json(bound).dump());
    }
  }
}

void parseRange(Parameter& p, Options& o, const Json& spec) {
  p.min = o.number("min");
  p.max = o.number("max");
  const bool integers = spec.at("min").is_number_integer() && spec.at("max").is_number_integer();
  const std::string distribution =
      o.choice("distribution", {"uniform", "log_uniform", "int_uniform", "int_log_uniform"},
               integers ? "int_uniform" : "uniform");
  p.kind = distribution.starts_with("int_") ? Parameter::Kind::Int : Parameter::Kind::Float;
  p.log = distribution.find("log") != std::string::npos;
  p.step = o.number("q", 0.0, {.min = 0, .minExclusive = true});
  if (p.min > p.max) {
    throw ConfigError("min",
                      "min " + Json(p.min).dump() + " is greater than max " + Json(p.max).dump());
  }
  checkRangeSize(p);
  if (p.log && p.min <= 0) {
    throw ConfigError(
        "min", distribution + " needs min > 0 (it samples log(x)), got " + Json(p.min).dump());
  }
  if (p.kind == Parameter::Kind::Int) {
    checkIntegerBounds(p, distribution);
    if (p.step != 0) throw ConfigError("q", "q applies to float parameters only");
  }
}

void parseCondition(Parameter& p, const Json& when) {
  if (!when.is_object() || when.size() != 1) {
    throw ConfigError("when",
                      "expected one 'parameter: value' pair (or a list of values), e.g. "
                      "when: {optimizer: sgd}");
  }
  p.whenParent = when.begin().key();
  p.whenValues = listOf(when.begin().value());
  if (p.whenValues.empty()) throw ConfigError("when", "the list of values is empty");
}

// Whether `parent` can take `value` (a range's values are not listed: any number in it).
bool canTake(const Parameter& parent, const Json& value) {
  if (parent.kind == Parameter::Kind::Constant || parent.kind == Parameter::Kind::Categorical) {
    return std::find(parent.values.begin(), parent.values.end(), value) != parent.values.end();
  }
  return value.is_number() && value.get<double>() >= parent.min &&
         value.get<double>() <= parent.max;
}

// Every value a condition names is one its parameter can take (a typo never holds).
void checkConditionValues(const Parameter& p, const Parameter& parent, const Json& when) {
  const bool list = when.at(p.whenParent).is_array();
  for (std::size_t i = 0; i < p.whenValues.size(); ++i) {
    const Json& value = p.whenValues[i];
    if (canTake(parent, value)) continue;
    std::vector<std::string> names;
    for (const auto& v : parent.values) names.push_back(shownValue(v));
    std::string message = "'" + parent.name + "' never takes the value " + shownValue(value);
    if (auto near = nearestName(shownValue(value), names); value.is_string() && !near.empty()) {
      message += " (did you mean '" + near + "'?)";
    }
    if (!names.empty()) message += "; its values: " + joinNames(names);
    std::string key = p.name;
    key.append(".when.").append(p.whenParent);
    if (list) key.append("[").append(std::to_string(i)).append("]");
    throw ConfigError(key, message);
  }
}

std::string unknownParent(const std::string& name, const std::vector<Parameter>& declared) {
  std::vector<std::string> names;
  for (const auto& p : declared) names.push_back(p.name);
  std::string message = "condition on unknown parameter '" + name + "'";
  if (auto near = nearestName(name, names); !near.empty()) {
    message += " (did you mean '" + near + "'?)";
  }
  return message;
}

Parameter parseParameter(const std::string& name, const Json& spec) {
  if (!spec.is_object()) {
    throw ConfigError(
        "", "expected {value: x}, {values: [...]} or {min: a, max: b}, got " + spec.dump());
  }
  Options o(spec, "parameter '" + name + "'");
  Parameter p;
  p.name = name;
  if (o.has("value")) {
    p.kind = Parameter::Kind::Constant;
    p.values = {o.raw("value")};
  } else if (o.has("values")) {
    const Json& values = o.raw("values");
    if (!values.is_array() || values.empty()) {
      throw ConfigError("values", "expected a non-empty list of values");
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (values[i] == values[j]) {
          throw ConfigError("values[" + std::to_string(i) + "]",
                            "value " + values[i].dump() + " is listed twice");
        }
      }
    }
    p.kind = Parameter::Kind::Categorical;
    p.values = {values.begin(), values.end()};
  } else if (o.has("min") || o.has("max")) {
    parseRange(p, o, spec);
  } else {
    for (const char* key : {"values", "value", "min", "max"}) o.checkNotMisspelled(key);
    throw ConfigError("", "give {value: x}, {values: [...]} or {min: a, max: b}");
  }
  if (o.has("when")) parseCondition(p, o.raw("when"));
  o.finish();
  return p;
}

}  // namespace

bool Parameter::finite() const { return kind != Kind::Float || step > 0; }

std::size_t Parameter::cardinality() const {
  switch (kind) {
    case Kind::Constant:
      return 1;
    case Kind::Categorical:
      return values.size();
    case Kind::Int:
      return static_cast<std::size_t>(max - min) + 1;
    case Kind::Float:
      return step > 0 ? static_cast<std::size_t>(std::floor((max - min) / step + 1e-9)) + 1 : 0;
  }
  return 0;
}

nlohmann::json Parameter::valueAt(std::size_t i) const {
  switch (kind) {
    case Kind::Constant:
      return values.front();
    case Kind::Categorical:
      return values.at(i);
    case Kind::Int:
      return static_cast<long long>(min) + static_cast<long long>(i);
    case Kind::Float:
      return min + static_cast<double>(i) * step;
  }
  return nullptr;
}

nlohmann::json Parameter::decode(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  auto bin = [u](std::size_t n) {
    return std::min(static_cast<std::size_t>(u * double(n)), n - 1);
  };
  switch (kind) {
    case Kind::Constant:
      return values.front();
    case Kind::Categorical:
      return values[bin(values.size())];
    case Kind::Int: {
      if (!log) return valueAt(bin(cardinality()));
      // Bins of equal width in log space over [min, max + 1).
      const double v = std::exp(std::log(min) + u * (std::log(max + 1) - std::log(min)));
      return static_cast<long long>(std::clamp(std::floor(v), min, max));
    }
    case Kind::Float: {
      const double v = log ? std::exp(std::log(min) + u * (std::log(max) - std::log(min)))
                           : min + u * (max - min);
      if (step <= 0) return std::clamp(v, min, max);
      const auto k = std::min<std::size_t>(
          static_cast<std::size_t>(std::llround(std::max(0.0, (v - min) / step))),
          cardinality() - 1);
      return valueAt(k);
    }
  }
  return nullptr;
}

double Parameter::encode(const nlohmann::json& value) const {
  switch (kind) {
    case Kind::Constant:
      return 0.5;
    case Kind::Categorical: {
      const auto it = std::find(values.begin(), values.end(), value);
      const auto i = it == values.end() ? 0 : it - values.begin();
      return (static_cast<double>(i) + 0.5) / static_cast<double>(values.size());
    }
    case Kind::Int: {
      const double v = value.get<double>();
      if (!log) return (v - min + 0.5) / static_cast<double>(cardinality());
      const double centre = 0.5 * (std::log(v) + std::log(v + 1));
      return (centre - std::log(min)) / (std::log(max + 1) - std::log(min));
    }
    case Kind::Float: {
      const double v = value.get<double>();
      if (min == max) return 0.5;
      return log ? (std::log(v) - std::log(min)) / (std::log(max) - std::log(min))
                 : (v - min) / (max - min);
    }
  }
  return 0.5;
}

SearchSpace SearchSpace::parse(const nlohmann::json& parameters,
                               const std::vector<std::string>& order) {
  SearchSpace space;
  if (parameters.is_null()) return space;
  if (!parameters.is_object()) throw ConfigError("", "expected a map of parameter names");
  std::vector<std::string> names = order;
  for (const auto& [name, spec] : parameters.items()) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  for (const auto& name : names) {
    if (!parameters.contains(name)) continue;
    Parameter p;
    try {
      p = parseParameter(name, parameters.at(name));
    } catch (const ConfigError& e) {
      throw e.withPrefix(name);
    }
    if (p.conditional()) {
      const Parameter* parent = space.find(p.whenParent);
      if (parent == nullptr) {
        const bool later = parameters.contains(p.whenParent);
        throw ConfigError(name + ".when", later ? "condition on '" + p.whenParent +
                                                      "', which is declared after '" + name +
                                                      "': declare it first"
                                                : unknownParent(p.whenParent, space.parameters()));
      }
      checkConditionValues(p, *parent, parameters.at(name).at("when"));
    }
    if (p.kind != Parameter::Kind::Constant) space.searchable_.push_back(space.parameters_.size());
    space.parameters_.push_back(std::move(p));
  }
  return space;
}

const Parameter* SearchSpace::find(const std::string& name) const {
  for (const auto& p : parameters_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool SearchSpace::active(const Parameter& p, const nlohmann::json& assignment) const {
  if (!p.conditional()) return true;
  const auto it = assignment.find(p.whenParent);
  if (it == assignment.end()) return false;
  return std::find(p.whenValues.begin(), p.whenValues.end(), *it) != p.whenValues.end();
}

bool SearchSpace::finite() const {
  return std::all_of(parameters_.begin(), parameters_.end(),
                     [](const Parameter& p) { return p.finite(); });
}

std::vector<double> SearchSpace::encode(const nlohmann::json& assignment) const {
  std::vector<double> u(searchable_.size(), 0.5);
  for (std::size_t d = 0; d < searchable_.size(); ++d) {
    const Parameter& p = parameters_[searchable_[d]];
    if (auto it = assignment.find(p.name); it != assignment.end()) u[d] = p.encode(*it);
  }
  return u;
}

nlohmann::json SearchSpace::decode(std::span<const double> u) const {
  nlohmann::json assignment = nlohmann::json::object();
  std::size_t d = 0;
  for (const auto& p : parameters_) {
    const bool searchable = p.kind != Parameter::Kind::Constant;
    const double coordinate = searchable ? u[d++] : 0.5;
    if (active(p, assignment)) assignment[p.name] = p.decode(coordinate);
  }
  return assignment;
}

nlohmann::json SearchSpace::sample(Rng& rng) const {
  std::vector<double> u(searchable_.size());
  for (auto& x : u) x = rng.uniformDouble();
  return decode(u);
}

std::string SearchSpace::fingerprint() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : parameters_) {
    out.push_back({{"name", p.name},
                   {"kind", static_cast<int>(p.kind)},
                   {"values", p.values},
                   {"min", p.min},
                   {"max", p.max},
                   {"log", p.log},
                   {"step", p.step},
                   {"when", p.whenParent},
                   {"when_values", p.whenValues}});
  }
  return out.dump();
}

std::string shownValue(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace tunelab
