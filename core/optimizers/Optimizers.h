#pragma once

#include <memory>

#include "core/Options.h"
#include "core/optimizers/FlatOptimizer.h"

namespace tunelab {

/// Each Keras optimizer: reads its own arguments (after the common ones, with learning_rate
/// already read) into the spec, and builds the optimizer a spec describes.
struct OptimizerKind {
  const char* name;
  double defaultLearningRate;
  void (*readArguments)(Options& options, OptimizerSpec& spec);
  std::unique_ptr<Optimizer> (*make)(const OptimizerSpec& spec, TensorBounds tensors);
};

/// Every optimizer, in the order of keras.optimizers' documentation.
const std::vector<OptimizerKind>& optimizerKinds();

/// Ranges shared by the readers.
inline constexpr Range kProbability{.min = 0, .max = 1, .maxExclusive = true};
inline constexpr Range kPositive{.min = 0, .minExclusive = true};
inline constexpr Range kNonNegative{.min = 0};

// Sgd.cpp
void readSgdArguments(Options& o, OptimizerSpec& spec);
std::unique_ptr<Optimizer> makeSgd(const OptimizerSpec& spec, TensorBounds tensors);
// Accumulators.cpp: the squared-gradient accumulators
void readRmsPropArguments(Options& o, OptimizerSpec& spec);
std::unique_ptr<Optimizer> makeRmsProp(const OptimizerSpec& spec, TensorBounds tensors);
void readAdagradArguments(Options& o, OptimizerSpec& spec);
std::unique_ptr<Optimizer> makeAdagrad(const OptimizerSpec& spec, TensorBounds tensors);
void readAdadeltaArguments(Options& o, OptimizerSpec& spec);
std::unique_ptr<Optimizer> makeAdadelta(const OptimizerSpec& spec, TensorBounds tensors);
// Adam.cpp: adam and adamw
void readAdamArguments(Options& o, OptimizerSpec& spec);
std::unique_ptr<Optimizer> makeAdam(const OptimizerSpec& spec, TensorBounds tensors);
// AdamVariants.cpp
void readAdamaxArguments(Options& o, OptimizerSpec& spec);  // also nadam and lamb
std::unique_ptr<Optimizer> makeAdamax(const OptimizerSpec& spec, TensorBounds tensors);
std::unique_ptr<Optimizer> makeNadam(const OptimizerSpec& spec, TensorBounds tensors);
std::unique_ptr<Optimizer> makeLamb(const OptimizerSpec& spec, TensorBounds tensors);
// Lion.cpp
void readLionArguments(Options& o, OptimizerSpec& spec);
std::unique_ptr<Optimizer> makeLion(const OptimizerSpec& spec, TensorBounds tensors);
// Ftrl.cpp
void readFtrlArguments(Options& o, OptimizerSpec& spec);
std::unique_ptr<Optimizer> makeFtrl(const OptimizerSpec& spec, TensorBounds tensors);

}  // namespace tunelab
