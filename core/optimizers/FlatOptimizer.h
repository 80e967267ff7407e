#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/Optimizer.h"
#include "core/TrackedMemory.h"

namespace tunelab {

/// Offsets that split the flat parameter buffer into parameter tensors (Graph::tensorBounds):
/// the first is 0, the last the buffer's size. Empty means one tensor.
class TensorBounds {
 public:
  TensorBounds() = default;
  explicit TensorBounds(std::vector<std::size_t> bounds) : bounds_(std::move(bounds)) {}

  /// Calls `each(begin, size)` for every tensor of a buffer of `total` values.
  template <typename Each>
  void forEach(std::size_t total, Each&& each) const {
    if (bounds_.size() < 2) {
      each(std::size_t{0}, total);
      return;
    }
    for (std::size_t i = 0; i + 1 < bounds_.size(); ++i) {
      each(bounds_[i], bounds_[i + 1] - bounds_[i]);
    }
  }

 private:
  std::vector<std::size_t> bounds_;
};

/// Keras' gradient clipping (BaseOptimizer._clip_gradients), applied before every update.
void clipGradients(const GradientClipping& limits, const TensorBounds& tensors,
                   std::span<float> grads);

/// What every Keras optimizer shares: learning rate, clipping, decoupled weight decay, slots
/// of per-parameter state and the step count, saved and loaded together for checkpoints.
class FlatOptimizer : public Optimizer {
 public:
  FlatOptimizer(const OptimizerSpec& spec, TensorBounds tensors, std::size_t slots);

  float learningRate() const override { return learningRate_; }
  void initialize(std::size_t parameterCount) override;
  /// Keras' order: clip the gradients, decay the weights, then the optimizer's own update.
  void step(std::span<float> params, std::span<float> grads, float learningRate) override;
  std::vector<float> saveState() const override;
  void loadState(std::span<const float> state) override;

 protected:
  virtual void initializeSlots() {}
  /// Recomputes what follows from the step count alone (Nadam's momentum product) after
  /// initialize() and loadState().
  virtual void restoreFromSteps() {}
  /// The update of step number steps() (1 for the first).
  virtual void update(std::span<float> params, std::span<const float> grads, float lr) = 0;

  float* slot(std::size_t i) { return slots_.data() + i * slotStride(); }
  std::size_t parameterCount() const { return parameters_; }
  std::uint32_t steps() const { return steps_; }
  const TensorBounds& tensors() const { return tensors_; }

 private:
  // parameters_ rounded up to a cache line: each slot starts on one.
  std::size_t slotStride() const {
    return (parameters_ + kFloatsPerLine - 1) / kFloatsPerLine * kFloatsPerLine;
  }

  float learningRate_;
  float weightDecay_;
  GradientClipping clipping_;
  TensorBounds tensors_;
  std::size_t slotCount_;
  std::size_t parameters_ = 0;
  FloatBuffer slots_;
  std::uint32_t steps_ = 0;
};

}  // namespace tunelab
