#include "experiments/config/TrainingSpec.h"

#include <algorithm>

#include "core/Error.h"
#include "core/Metric.h"
#include "core/Options.h"
#include "experiments/config/Limits.h"

namespace tunelab {

namespace {

std::string at(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// Refuses a model that repeat blocks make larger than the limit, counting every repetition
// (also of an empty block) so that nested counts are stopped before they multiply out.
void chargeExpansion(std::size_t& expansions, const std::string& path) {
  if (++expansions <= limits::kMostLayers) return;
  throw ConfigError(path, "the repeat blocks expand the model to more than " +
                              std::to_string(limits::kMostLayers) + " layers (the limit)");
}

void expandLayers(const nlohmann::json& list, const std::string& path, TrainingSpec& spec,
                  std::size_t& expansions) {
  if (!list.is_array()) throw ConfigError(path, "must be a list of layers");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& item = list[i];
    const std::string itemPath = at(path, i);
    if (!item.is_object()) {
      throw ConfigError(itemPath, "a layer is a mapping such as {type: dense, units: 64}");
    }
    if (item.contains("repeat")) {
      Options block(item, "a repeat block");
      const auto times = withKeyPrefix(itemPath, [&] {
        return block.integer("repeat", Range{.min = 0, .max = limits::kMostRepeat});
      });
      const auto& inner = block.raw("layers");
      withKeyPrefix(itemPath, [&] {
        block.finish();
        return 0;
      });
      if (inner.is_null()) throw ConfigError(itemPath + ".layers", "a repeat block needs layers");
      for (long long t = 0; t < times; ++t) {
        chargeExpansion(expansions, itemPath + ".repeat");
        expandLayers(inner, itemPath + ".layers", spec, expansions);
      }
      continue;
    }
    if (!item.contains("type") || !item.at("type").is_string()) {
      throw ConfigError(itemPath + ".type", "every layer needs a type (dense, dropout, ...)");
    }
    chargeExpansion(expansions, itemPath);
    LayerSpec layer;
    layer.type = item.at("type").get<std::string>();
    layer.options = item;
    layer.options.erase("type");
    spec.layers.push_back(std::move(layer));
    spec.layerOrigins.push_back("model." + itemPath);
  }
}

// Metric names, each one tunelab knows for some task (whether it fits this data's task is
// checked with the data).
std::vector<std::string> parseMetricNames(const nlohmann::json& metrics) {
  std::vector<std::string> names;
  if (metrics.is_null()) return names;
  if (!metrics.is_array()) throw ConfigError("", "must be a list, e.g. [accuracy]");
  std::vector<std::string> known;
  for (TaskKind task : {TaskKind::Binary, TaskKind::Multiclass, TaskKind::Regression}) {
    for (auto& name : metricNames(task)) {
      if (std::find(known.begin(), known.end(), name) == known.end()) known.push_back(name);
    }
  }
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    if (!metrics[i].is_string()) throw ConfigError(at("", i), "must be a metric name");
    const std::string name = metrics[i].get<std::string>();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string message = "unknown metric '" + name + "'";
      if (auto near = nearestName(name, known); !near.empty()) {
        message += " (did you mean '" + near + "'?)";
      }
      throw ConfigError(at("", i), message + "; known metrics: " + joinNames(known));
    }
    names.push_back(name);
  }
  return names;
}

EarlyStopping parseEarlyStopping(const nlohmann::json& json) {
  EarlyStopping es;
  if (json.is_null() || (json.is_boolean() && !json.get<bool>())) return es;
  Options o(json, "early_stopping");
  es.enabled = true;
  es.monitor = o.string("monitor", es.monitor);
  es.minDelta = o.number("min_delta", 0.0, {.min = 0});
  es.patience = static_cast<int>(o.integer("patience", 0, {.min = 0, .max = limits::kMostEpochs}));
  es.restoreBestWeights = o.boolean("restore_best_weights", false);
  es.mode = o.choice("mode", {"auto", "min", "max"}, "auto");
  es.startFromEpoch =
      static_cast<int>(o.integer("start_from_epoch", 0, {.min = 0, .max = limits::kMostEpochs}));
  o.finish();
  return es;
}

void parseModel(const nlohmann::json& json, TrainingSpec& spec) {
  Options model(json, "the model section");
  const auto& layers = model.raw("layers");
  if (layers.is_null()) {
    model.checkNotMisspelled("layers");
    throw ConfigError("layers", "the model needs a list of layers");
  }
  std::size_t expansions = 0;
  expandLayers(layers, "layers", spec, expansions);
  spec.loss = model.raw("loss");
  if (spec.loss.is_null()) {
    model.checkNotMisspelled("loss");
    throw ConfigError("loss",
                      "is required (binary_crossentropy, categorical_crossentropy, "
                      "sparse_categorical_crossentropy, mse, mae, huber)");
  }
  spec.metrics = withKeyPrefix("metrics", [&] { return parseMetricNames(model.raw("metrics")); });
  model.finish();
}

void parseTrain(const nlohmann::json& json, TrainingSpec& spec) {
  Options train(json, "the train section");
  FitOptions& fit = spec.fit;
  fit.epochs = static_cast<int>(train.integer("epochs", {.min = 1, .max = limits::kMostEpochs}));
  fit.batchSize = static_cast<std::size_t>(
      train.integer("batch_size", 32, {.min = 1, .max = limits::kMostBatchSize}));
  fit.shuffle = train.boolean("shuffle", true);
  const auto& optimizer = train.raw("optimizer");
  fit.optimizer = withKeyPrefix(
      "optimizer", [&] { return parseOptimizer(optimizer.is_null() ? "adam" : optimizer); });
  fit.schedule = withKeyPrefix("learning_rate_schedule",
                               [&] { return parseSchedule(train.raw("learning_rate_schedule")); });
  fit.earlyStopping = withKeyPrefix(
      "early_stopping", [&] { return parseEarlyStopping(train.raw("early_stopping")); });
  if (const auto& folds = train.raw("validation"); !folds.is_null()) {
    spec.validationFolds = withKeyPrefix("validation", [&] {
      Options validation(folds, "train.validation");
      const auto k =
          static_cast<int>(validation.integer("kfold", {.min = 2, .max = limits::kMostFolds}));
      validation.finish();
      return k;
    });
  }
  train.finish();
}

}  // namespace

TrainingSpec parseTrainingSpec(const nlohmann::json& root) {
  TrainingSpec spec;
  auto section = [&](const char* name, const char* why) -> const nlohmann::json& {
    if (!root.contains(name) || root.at(name).is_null()) throw ConfigError(name, why);
    return root.at(name);
  };
  const auto& data = section("data", "is required: where the data comes from");
  spec.data = withKeyPrefix("data", [&] { return parseDataSpec(data); });
  const auto& model = section("model", "is required: the layers, loss and metrics");
  withKeyPrefix("model", [&] {
    parseModel(model, spec);
    return 0;
  });
  const auto& train = section("train", "is required: at least train.epochs");
  withKeyPrefix("train", [&] {
    parseTrain(train, spec);
    return 0;
  });
  spec.fit.metrics = spec.metrics;
  return spec;
}

std::string layerKeyInFile(const TrainingSpec& spec, const std::string& graphKeyPath) {
  if (graphKeyPath.rfind("layers[", 0) != 0) return "model." + graphKeyPath;
  const auto close = graphKeyPath.find(']');
  const std::size_t index = std::stoul(graphKeyPath.substr(7, close - 7));
  if (index >= spec.layerOrigins.size()) return "model." + graphKeyPath;
  return spec.layerOrigins[index] + graphKeyPath.substr(close + 1);
}

}  // namespace tunelab
