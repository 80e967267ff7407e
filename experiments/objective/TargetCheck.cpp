#include "experiments/objective/TargetCheck.h"

#include <string>

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

namespace {

// "3 classes (a, b, c)", the names cut after a few.
std::string describeClasses(const Dataset& data) {
  constexpr std::size_t kShown = 8;
  std::string names;
  for (std::size_t i = 0; i < data.classNames.size() && i < kShown; ++i) {
    names += (i == 0 ? "" : ", ") + data.classNames[i];
  }
  if (data.classNames.size() > kShown) names += ", ...";
  return std::to_string(data.classes()) + " class" + (data.classes() == 1 ? "" : "es") + " (" +
         names + ")";
}

std::string describeTarget(const Dataset& data) {
  if (data.task == TaskKind::Regression) {
    return "'" + data.targetName + "' is a regression target (numbers)";
  }
  return "'" + data.targetName + "' is a " + std::string(taskName(data.task)) + " target with " +
         describeClasses(data);
}

std::string outputLayerKey(const TrainingSpec& spec) {
  return layerKeyInFile(spec, "layers[" + std::to_string(spec.layers.size() - 1) + "]");
}

std::string units(std::size_t n) { return std::to_string(n) + " unit" + (n == 1 ? "" : "s"); }

void checkClassIndices(const TrainingSpec& spec, std::size_t outputUnits, const Dataset& data) {
  if (outputUnits == data.classes()) return;
  throw ConfigError(outputLayerKey(spec),
                    "the output layer has " + units(outputUnits) + ", but " + describeTarget(data) +
                        "; sparse_categorical_crossentropy needs one unit per class (units: " +
                        std::to_string(data.classes()) + ")");
}

void checkRegressionWidth(const TrainingSpec& spec, std::size_t outputUnits, const Dataset& data) {
  const std::size_t targets = data.y.cols();
  if (outputUnits == targets) return;
  throw ConfigError(outputLayerKey(spec),
                    "the output layer has " + units(outputUnits) + ", but " + describeTarget(data) +
                        " in " + std::to_string(targets) + " column" + (targets == 1 ? "" : "s") +
                        "; use units: " + std::to_string(targets));
}

}  // namespace

void checkTargetsFit(const TrainingSpec& spec, const Loss& loss, std::size_t outputUnits,
                     const Dataset& data) {
  const std::string name(loss.name());
  const bool classification = data.task != TaskKind::Regression;
  if (name == "categorical_crossentropy") {
    throw ConfigError("model.loss",
                      "categorical_crossentropy reads one-hot targets, but tunelab encodes the "
                      "target as one class index per row (" +
                          describeTarget(data) +
                          "); use sparse_categorical_crossentropy, the same loss on class indices");
  }
  if (name == "binary_crossentropy" && data.task != TaskKind::Binary) {
    throw ConfigError("model.loss",
                      "binary_crossentropy reads 0/1 targets, but " + describeTarget(data) +
                          (classification ? "; use sparse_categorical_crossentropy with a softmax "
                                            "output of " +
                                                units(data.classes())
                                          : "; use mse, mae or huber"));
  }
  if (name == "sparse_categorical_crossentropy") {
    if (!classification) {
      throw ConfigError("model.loss", "sparse_categorical_crossentropy reads class indices, but " +
                                          describeTarget(data) + "; use mse, mae or huber");
    }
    checkClassIndices(spec, outputUnits, data);
  }
  if (loss.fusedActivation()) return;
  if (classification) {
    throw ConfigError("model.loss",
                      "'" + name + "' is a regression loss, but " + describeTarget(data) +
                          "; use " +
                          (data.task == TaskKind::Binary ? "binary_crossentropy"
                                                         : "sparse_categorical_crossentropy") +
                          ", or set data.task: regression to fit the class numbers as values");
  }
  checkRegressionWidth(spec, outputUnits, data);
}

}  // namespace tunelab
