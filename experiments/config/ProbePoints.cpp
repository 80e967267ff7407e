#include "experiments/config/ProbePoints.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <utility>

#include "experiments/config/ParameterBinding.h"
#include "search/SearchSpace.h"

namespace tunelab {

namespace {

using Json = nlohmann::json;

std::string keyOf(const Parameter& p) { return "search.parameters." + p.name; }

// The values of `p` worth checking, each with the key path that writes it.
std::vector<std::pair<Json, std::string>> valuesToCheck(const Parameter& p) {
  const std::string key = keyOf(p);
  switch (p.kind) {
    case Parameter::Kind::Constant:
      return {{p.values.front(), key + ".value"}};
    case Parameter::Kind::Categorical: {
      std::vector<std::pair<Json, std::string>> out;
      for (std::size_t i = 0; i < p.values.size(); ++i) {
        out.emplace_back(p.values[i], key + ".values[" + std::to_string(i) + "]");
      }
      return out;
    }
    case Parameter::Kind::Int:
    case Parameter::Kind::Float:
      if (p.finite())
        return {{p.valueAt(0), key + ".min"}, {p.valueAt(p.cardinality() - 1), key + ".max"}};
      return {{p.min, key + ".min"}, {p.max, key + ".max"}};
  }
  return {};
}

// Where the file writes `value` of `p`: its place in a list, a range's end, or the parameter.
std::string sourceOf(const Parameter& p, const Json& value) {
  for (const auto& [candidate, key] : valuesToCheck(p)) {
    if (candidate == value) return key;
  }
  return keyOf(p);
}

// The value `p` takes in a point built from `base`, with `forced` values set apart.
Json completed(const SearchSpace& space, const Json& base,
               const std::map<std::string, Json>& forced) {
  Json point = Json::object();
  for (const auto& p : space.parameters()) {
    if (auto it = forced.find(p.name); it != forced.end()) {
      point[p.name] = it->second;
    } else if (space.active(p, point)) {
      point[p.name] = base.contains(p.name) ? base.at(p.name) : p.decode(0.5);
    }
  }
  return point;
}

// `name` set to `value`, its parents set so that it is active.
ProbePoint pointWith(const SearchSpace& space, const Json& base, const Parameter& p,
                     const Json& value) {
  std::map<std::string, Json> forced{{p.name, value}};
  for (const Parameter* q = &p; q->conditional();) {
    const Parameter* parent = space.find(q->whenParent);
    const auto& when = q->whenValues;
    const bool holds = base.contains(parent->name) &&
                       std::find(when.begin(), when.end(), base.at(parent->name)) != when.end();
    forced[parent->name] = holds ? base.at(parent->name) : when.front();
    q = parent;
  }
  ProbePoint point;
  point.params = completed(space, base, forced);
  point.varied = p.name;
  return point;
}

void addSources(const SearchSpace& space, ProbePoint& point) {
  for (const auto& [name, value] : point.params.items()) {
    point.sources[name] = sourceOf(*space.find(name), value);
  }
}

// The parameter whose "$name" the file writes at `keyPath` or at one of its parents.
std::optional<std::string> referenceAt(const Json& root, const std::string& keyPath) {
  const Json* node = &root;
  std::size_t i = 0;
  while (node != nullptr) {
    if (auto name = referencedParameter(*node)) return name;
    if (i < keyPath.size() && keyPath[i] == '.') ++i;
    if (i >= keyPath.size()) return std::nullopt;
    if (keyPath[i] == '[') {
      const auto close = keyPath.find(']', i);
      std::size_t index = 0;
      const char* first = keyPath.data() + i + 1;
      const char* last = keyPath.data() + std::min(close, keyPath.size());
      if (std::from_chars(first, last, index).ptr != last) return std::nullopt;
      node = node->is_array() && index < node->size() ? &(*node)[index] : nullptr;
      i = close + 1;
    } else {
      const auto end = std::min(keyPath.find_first_of(".[", i), keyPath.size());
      const std::string key = keyPath.substr(i, end - i);
      node = node->is_object() && node->contains(key) ? &node->at(key) : nullptr;
      i = end;
    }
  }
  return std::nullopt;
}

// A misspelled or misplaced key (Options::finish): the key is the mistake, not its value.
bool isKeyMistake(const ConfigError& error) { return error.detail().starts_with("unknown key '"); }

}  // namespace

std::vector<ProbePoint> probePoints(const SearchSpace& space) {
  ProbePoint base;
  base.params = space.decode(std::vector<double>(space.dimensions(), 0.5));
  std::vector<ProbePoint> points{base};
  for (const auto& p : space.parameters()) {
    for (const auto& [value, key] : valuesToCheck(p)) {
      ProbePoint point = pointWith(space, base.params, p, value);
      const bool seen = std::any_of(points.begin(), points.end(),
                                    [&](const ProbePoint& q) { return q.params == point.params; });
      if (!seen) points.push_back(std::move(point));
    }
  }
  for (auto& point : points) addSources(space, point);
  return points;
}

ProbePoint combinedPoint(const SearchSpace& space, const Json& base,
                         const std::map<std::string, Json>& choices) {
  ProbePoint point;
  for (const auto& p : space.parameters()) {
    if (!space.active(p, point.params)) continue;
    const auto choice = choices.find(p.name);
    point.params[p.name] = choice != choices.end() ? choice->second
                           : base.contains(p.name) ? base.at(p.name)
                                                   : p.decode(0.5);
  }
  addSources(space, point);
  return point;
}

ConfigError blameParameter(const ConfigError& error, const ProbePoint& point, const Json& root) {
  if (isKeyMistake(error)) return error;
  std::string name = referenceAt(root, error.keyPath()).value_or(point.varied);
  const auto source = point.sources.find(name);
  if (name.empty() || source == point.sources.end()) return error;
  return {source->second,
          "with $" + name + " = " + shownValue(point.params.at(name)) + ": " + error.what()};
}

}  // namespace tunelab
