#include "core/data/DataSpec.h"

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

namespace {

std::vector<std::string> stringList(const nlohmann::json& json, const std::string& key) {
  std::vector<std::string> out;
  if (json.is_null()) return out;
  if (!json.is_array()) throw ConfigError(key, "must be a list");
  for (std::size_t i = 0; i < json.size(); ++i) {
    const auto& item = json[i];
    if (item.is_string()) {
      out.push_back(item.get<std::string>());
    } else if (item.is_number()) {
      out.push_back(item.dump());
    } else {
      throw ConfigError(key + "[" + std::to_string(i) + "]", "must be a string");
    }
  }
  return out;
}

void parsePreprocess(const nlohmann::json& json, DataSpec& spec) {
  Options p(json, "preprocess");
  spec.numeric = p.choice("numeric", {"minmax", "standard", "none"}, spec.numeric);
  spec.categorical = p.choice("categorical", {"onehot"}, spec.categorical);
  spec.missing = p.choice("missing", {"mean", "median", "most_frequent", "drop"}, spec.missing);
  spec.targetScaling =
      p.choice("target_scaling", {"none", "standard", "minmax"}, spec.targetScaling);
  p.finish();
}

void parseSplit(const nlohmann::json& json, DataSpec& spec) {
  Options s(json, "split");
  spec.testFraction =
      s.number("test", spec.testFraction, {.min = 0, .max = 1, .maxExclusive = true});
  spec.validationFraction =
      s.number("validation", spec.validationFraction, {.min = 0, .max = 1, .maxExclusive = true});
  spec.stratify = s.boolean("stratify", spec.stratify);
  s.finish();
  if (spec.testFraction + spec.validationFraction >= 1.0) {
    throw ConfigError("", "test + validation must leave rows to train on (they add up to " +
                              std::to_string(spec.testFraction + spec.validationFraction) + ")");
  }
}

char parseDelimiter(const std::string& delimiter) {
  if (delimiter.size() != 1 && delimiter != "\\t") {
    throw ConfigError("delimiter", "must be a single character, got '" + delimiter + "'");
  }
  return delimiter == "\\t" ? '\t' : delimiter[0];
}

std::map<std::string, std::string> parseColumnTypes(const nlohmann::json& columns) {
  std::map<std::string, std::string> types;
  if (columns.is_null()) return types;
  if (!columns.is_object()) {
    throw ConfigError("columns", "must map column names to numeric or categorical");
  }
  for (const auto& [name, type] : columns.items()) {
    if (!type.is_string() ||
        (type.get<std::string>() != "numeric" && type.get<std::string>() != "categorical")) {
      throw ConfigError("columns." + name, "must be numeric or categorical");
    }
    types[name] = type.get<std::string>();
  }
  return types;
}

}  // namespace

DataSpec parseDataSpec(const nlohmann::json& data) {
  DataSpec spec;
  if (data.is_string()) {
    spec.source = data.get<std::string>();
    return spec;
  }
  Options o(data, "the data section");
  spec.source = o.string("source");
  spec.target = o.string("target", "");
  if (o.has("task")) {
    spec.task = parseTask(o.choice("task", {"binary", "multiclass", "regression"}, "binary"));
  }
  withKeyPrefix("preprocess", [&] { parsePreprocess(o.raw("preprocess"), spec); });
  withKeyPrefix("split", [&] { parseSplit(o.raw("split"), spec); });
  spec.delimiter = parseDelimiter(o.string("delimiter", ","));
  if (o.has("missing_values")) {
    spec.missingMarkers = stringList(o.raw("missing_values"), "missing_values");
  }
  spec.columnTypes = parseColumnTypes(o.raw("columns"));
  spec.dropColumns = stringList(o.raw("drop"), "drop");
  o.finish();
  return spec;
}

}  // namespace tunelab
