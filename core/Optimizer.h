#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/Export.h"

namespace tunelab {

class Backend;

/// Updates the flat parameter buffer from the flat gradient buffer, in one pass. The
/// optimizers are Keras 3's (keras.optimizers), with its argument names, defaults and update
/// rules: sgd, rmsprop, adagrad, adadelta, adam, adamw, adamax, nadam, ftrl, lion, lamb (the
/// table is in docs/experiment-format.md). Every one accepts Keras' common arguments clipnorm
/// (per parameter tensor), global_clipnorm, clipvalue and weight_decay (decoupled).
class TUNELAB_API Optimizer {
 public:
  virtual ~Optimizer();
  virtual std::string_view name() const = 0;
  /// The learning rate from the file; a schedule may change the rate passed to step().
  virtual float learningRate() const = 0;
  /// Sizes the state for `parameterCount` parameters and zeroes it.
  virtual void initialize(std::size_t parameterCount) = 0;
  /// params -= update(grads) at `learningRate`. grads may be modified (clipping).
  virtual void step(std::span<float> params, std::span<float> grads, float learningRate) = 0;

  /// The whole state (slots and step count), for checkpoints.
  virtual std::vector<float> saveState() const = 0;
  virtual void loadState(std::span<const float> state) = 0;

  /// The backend whose update ops step() uses (Backend::adamUpdate); without one, the same
  /// loops run here.
  void useBackend(Backend* backend) { backend_ = backend; }

 protected:
  Backend* backend() const { return backend_; }

 private:
  Backend* backend_ = nullptr;
};

/// Keras' gradient clipping, applied before every update (0: off). clipnorm is per parameter
/// tensor, as Keras applies it.
struct GradientClipping {
  double clipnorm = 0.0;
  double globalClipnorm = 0.0;
  double clipvalue = 0.0;
};

/// Ftrl's arguments (Keras' names without the _strength suffix).
struct FtrlSettings {
  double learningRatePower = -0.5;
  double l1 = 0.0;           // l1_regularization_strength
  double l2 = 0.0;           // l2_regularization_strength
  double l2Shrinkage = 0.0;  // l2_shrinkage_regularization_strength
  double beta = 0.0;
};

/// An optimizer as the file describes it, checked, with Keras' defaults filled in.
struct OptimizerSpec {
  std::string type = "adam";
  double learningRate = 0.001;
  GradientClipping clipping;
  double weightDecay = 0.0;              // every optimizer (adamw: 0.004), decoupled as Keras
  double momentum = 0.0;                 // sgd, rmsprop
  bool nesterov = false;                 // sgd
  double rho = 0.9;                      // rmsprop (0.9), adadelta (0.95)
  double epsilon = 1e-7;                 // rmsprop, adagrad, adadelta, adam(w), adamax, nadam, lamb
  bool centered = false;                 // rmsprop
  double initialAccumulatorValue = 0.1;  // adagrad, ftrl
  double beta1 = 0.9;                    // adam(w), adamax, nadam, lamb, lion
  double beta2 = 0.999;                  // adam(w), adamax, nadam, lamb; lion 0.99
  bool amsgrad = false;                  // adam, adamw
  FtrlSettings ftrl;                     // ftrl
};

/// Everything about the optimizer the file says: {type: adam, learning_rate: 0.001, ...} or a
/// bare name; the type is case-insensitive as in Keras ("Adam", "RMSprop"). Throws ConfigError
/// (keyed by the option) listing valid types and keys.
TUNELAB_API OptimizerSpec parseOptimizer(const nlohmann::json& json);

/// The optimizer `spec` describes. `tensorBounds` are the offsets that split the flat buffer
/// into parameter tensors, for per-tensor clipnorm.
TUNELAB_API std::unique_ptr<Optimizer> makeOptimizer(const OptimizerSpec& spec,
                                                     std::vector<std::size_t> tensorBounds = {});
TUNELAB_API std::vector<std::string> optimizerNames();

}  // namespace tunelab
