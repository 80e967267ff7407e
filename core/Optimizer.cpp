#include "core/Optimizer.h"

#include <algorithm>
#include <cctype>

#include "core/Error.h"
#include "core/Options.h"
#include "core/optimizers/Optimizers.h"

namespace tunelab {

Optimizer::~Optimizer() = default;

const std::vector<OptimizerKind>& optimizerKinds() {
  static const std::vector<OptimizerKind> kinds = {
      {"sgd", 0.01, readSgdArguments, makeSgd},
      {"rmsprop", 0.001, readRmsPropArguments, makeRmsProp},
      {"adagrad", 0.001, readAdagradArguments, makeAdagrad},
      {"adadelta", 0.001, readAdadeltaArguments, makeAdadelta},
      {"adam", 0.001, readAdamArguments, makeAdam},
      {"adamw", 0.001, readAdamArguments, makeAdam},
      {"adamax", 0.001, readAdamaxArguments, makeAdamax},
      {"nadam", 0.001, readAdamaxArguments, makeNadam},
      {"ftrl", 0.001, readFtrlArguments, makeFtrl},
      {"lion", 0.001, readLionArguments, makeLion},
      {"lamb", 0.001, readAdamaxArguments, makeLamb},
  };
  return kinds;
}

namespace {

const OptimizerKind* findKind(const std::string& type) {
  for (const auto& kind : optimizerKinds()) {
    if (type == kind.name) return &kind;
  }
  return nullptr;
}

// Keras looks optimizer names up case-insensitively ("Adam", "RMSprop", "SGD").
const OptimizerKind& readKind(Options& o, const nlohmann::json& json, OptimizerSpec& spec) {
  spec.type = o.string("type");
  std::transform(spec.type.begin(), spec.type.end(), spec.type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (const OptimizerKind* kind = findKind(spec.type)) return *kind;
  const auto names = optimizerNames();
  std::string message = "unknown optimizer '" + spec.type + "'";
  if (auto near = nearestName(spec.type, names); !near.empty()) {
    message += " (did you mean '" + near + "'?)";
  }
  throw ConfigError(json.is_string() ? "" : "type",
                    message + "; valid optimizers: " + joinNames(names));
}

// Keras' BaseOptimizer arguments: at most one clipping, weight decay, and the moving average of
// the weights, which tunelab does not keep.
void readCommonArguments(Options& o, OptimizerSpec& spec) {
  std::string clippingKey;
  for (const char* key : {"clipnorm", "global_clipnorm", "clipvalue"}) {
    if (!o.has(key)) continue;
    if (!clippingKey.empty()) {
      throw ConfigError(key, std::string("only one of clipnorm, global_clipnorm and clipvalue can "
                                         "be set (as in Keras); ") +
                                 clippingKey + " is set too");
    }
    clippingKey = key;
  }
  spec.clipping.clipnorm = o.number("clipnorm", 0.0, kNonNegative);
  spec.clipping.globalClipnorm = o.number("global_clipnorm", 0.0, kNonNegative);
  spec.clipping.clipvalue = o.number("clipvalue", 0.0, kNonNegative);
  spec.weightDecay = o.number("weight_decay", spec.type == "adamw" ? 0.004 : 0.0, kNonNegative);
  if (o.boolean("use_ema", false)) {
    throw ConfigError("use_ema",
                      "use_ema: true is not supported: tunelab does not keep Keras' moving "
                      "average of the weights (its epochs, best-epoch weights and checkpoints "
                      "are the trained weights); leave use_ema out or false");
  }
  o.number("ema_momentum", 0.99, {.min = 0, .max = 1});
  if (o.has("ema_overwrite_frequency")) o.integer("ema_overwrite_frequency", {.min = 1});
  o.raw("ema_overwrite_frequency");
}

}  // namespace

std::vector<std::string> optimizerNames() {
  std::vector<std::string> names;
  for (const auto& kind : optimizerKinds()) names.emplace_back(kind.name);
  return names;
}

OptimizerSpec parseOptimizer(const nlohmann::json& json) {
  const nlohmann::json object =
      json.is_string() ? nlohmann::json{{"type", json.get<std::string>()}} : json;
  Options o(object, "the optimizer");
  OptimizerSpec spec;
  const OptimizerKind& kind = readKind(o, json, spec);
  spec.learningRate = o.number("learning_rate", kind.defaultLearningRate, kPositive);
  readCommonArguments(o, spec);
  kind.readArguments(o, spec);
  o.finish();
  return spec;
}

std::unique_ptr<Optimizer> makeOptimizer(const OptimizerSpec& spec,
                                         std::vector<std::size_t> tensorBounds) {
  const OptimizerKind* kind = findKind(spec.type);
  if (kind == nullptr) throw Error("unknown optimizer '" + spec.type + "'");
  return kind->make(spec, TensorBounds(std::move(tensorBounds)));
}

}  // namespace tunelab
