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

/// Updates the flat parameter buffer from the flat gradient buffer, in one pass.
/// Hyperparameters follow Keras (names and defaults): sgd {momentum 0, nesterov false},
/// rmsprop {rho 0.9, momentum 0, epsilon 1e-7}, adagrad {initial_accumulator_value 0.1,
/// epsilon 1e-7}, adam {beta_1 0.9, beta_2 0.999, epsilon 1e-7, amsgrad false},
/// adamw {as adam, weight_decay 0.004}; all accept clipnorm (per parameter tensor, as
/// Keras) and global_clipnorm.
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

/// An optimizer as the file describes it, checked, with Keras' defaults filled in.
struct OptimizerSpec {
  std::string type = "adam";
  double learningRate = 0.001;
  GradientClipping clipping;
  double momentum = 0.0;                 // sgd, rmsprop
  bool nesterov = false;                 // sgd
  double rho = 0.9;                      // rmsprop
  double epsilon = 1e-7;                 // rmsprop, adagrad, adam, adamw
  bool centered = false;                 // rmsprop
  double initialAccumulatorValue = 0.1;  // adagrad
  double beta1 = 0.9;                    // adam, adamw
  double beta2 = 0.999;                  // adam, adamw
  bool amsgrad = false;                  // adam, adamw
  double weightDecay = 0.0;              // adamw (0.004)
};

/// Everything about the optimizer the file says: {type: adam, learning_rate: 0.001, ...} or a
/// bare name. Throws ConfigError (keyed by the option) listing valid types and keys.
TUNELAB_API OptimizerSpec parseOptimizer(const nlohmann::json& json);

/// The optimizer `spec` describes. `tensorBounds` are the offsets that split the flat buffer
/// into parameter tensors, for per-tensor clipnorm.
TUNELAB_API std::unique_ptr<Optimizer> makeOptimizer(const OptimizerSpec& spec,
                                                     std::vector<std::size_t> tensorBounds = {});
TUNELAB_API std::vector<std::string> optimizerNames();

}  // namespace tunelab
