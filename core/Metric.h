#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/Export.h"
#include "core/Matrix.h"
#include "core/data/Task.h"

namespace tunelab {

/// A metric accumulated over batches. Predictions are model outputs after the output
/// activation (probabilities for classification); targets use the loss's layout (binary:
/// 0/1 column; multiclass: class index column, or one-hot with `oneHotTargets`).
class TUNELAB_API Metric {
 public:
  virtual ~Metric();
  /// The name as written in the experiment file ("accuracy", "auc", "rmse").
  virtual std::string name() const = 0;
  /// True when larger is better (accuracy, auc, r2), for early stopping mode "auto".
  virtual bool higherIsBetter() const = 0;
  virtual void reset() = 0;
  virtual void update(ConstMatrixView prediction, ConstMatrixView target) = 0;
  /// True when update() reads each prediction only as whether it is above 0.5 (binary
  /// accuracy, precision, recall): any value on the same side of 0.5 gives the same result.
  virtual bool readsOnlyTheSideOfHalf() const { return false; }
  virtual double result() const = 0;
};

/// Makes a metric by name for a task: accuracy (binary or categorical by task), auc,
/// precision, recall (binary), mse, mae, rmse, r2. Throws ConfigError listing the names that
/// fit the task.
TUNELAB_API std::unique_ptr<Metric> makeMetric(const std::string& name, TaskKind task,
                                               bool oneHotTargets = false);
TUNELAB_API std::vector<std::string> metricNames(TaskKind task);

}  // namespace tunelab
