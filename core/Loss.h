#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/Activation.h"
#include "core/Export.h"
#include "core/Matrix.h"

namespace tunelab {

/// A training loss with mean reduction over the batch.
///
/// Target layouts: binary_crossentropy (n x 1, values 0/1); categorical_crossentropy (n x k,
/// one-hot); sparse_categorical_crossentropy (n x 1, class index as float); mse/mae/huber
/// (n x outputs).
class TUNELAB_API Loss {
 public:
  virtual ~Loss();
  virtual std::string_view name() const = 0;

  /// The output activation this loss is fused with (sigmoid / softmax), if any. The model's
  /// last layer must apply exactly this activation; the Graph strips it, and compute() then
  /// receives logits and stays finite for any logit.
  virtual std::optional<ActivationKind> fusedActivation() const;

  /// Throws ConfigError when a model with `outputUnits` outputs cannot be trained with this
  /// loss (e.g. 3 units with binary_crossentropy). `lastActivation` is the activation of the
  /// model's last layer.
  virtual void checkOutput(std::size_t outputUnits, Activation lastActivation) const;

  /// Sum over the batch rows of the per-sample loss. When `grad` is not empty it receives
  /// d(mean loss)/d(input) (input = logits when fused, else the model output).
  virtual double compute(ConstMatrixView input, ConstMatrixView target, MatrixView grad) const = 0;
};

/// "mse" or {type: huber, delta: 1.0}. Throws ConfigError listing the valid names.
TUNELAB_API std::unique_ptr<Loss> makeLoss(const nlohmann::json& spec);
TUNELAB_API std::vector<std::string> lossNames();

}  // namespace tunelab
