// The optimizers that scale each step by an accumulated squared gradient: keras.optimizers.
// RMSprop, Adagrad and Adadelta.
#include <algorithm>
#include <cmath>

#include "core/optimizers/Optimizers.h"

namespace tunelab {

namespace {

class RmsProp final : public FlatOptimizer {
 public:
  RmsProp(const OptimizerSpec& spec, TensorBounds tensors)
      : FlatOptimizer(spec, std::move(tensors), 3),
        rho_(static_cast<float>(spec.rho)),
        momentum_(static_cast<float>(spec.momentum)),
        epsilon_(static_cast<float>(spec.epsilon)),
        centered_(spec.centered) {}
  std::string_view name() const override { return "rmsprop"; }

 protected:
  void update(std::span<float> p, std::span<const float> g, float lr) override {
    float* v = slot(0);
    float* mg = slot(1);
    float* m = slot(2);
    const float rho = rho_;
    const float eps = epsilon_;
    const float mu = momentum_;
    for (std::size_t i = 0; i < p.size(); ++i) {
      v[i] = rho * v[i] + (1.0F - rho) * g[i] * g[i];
      float denominator = v[i] + eps;
      if (centered_) {
        mg[i] = rho * mg[i] + (1.0F - rho) * g[i];
        denominator = v[i] - mg[i] * mg[i] + eps;
      }
      const float increment = lr * g[i] / std::sqrt(denominator);
      if (mu > 0.0F) {
        m[i] = mu * m[i] + increment;
        p[i] -= m[i];
      } else {
        p[i] -= increment;
      }
    }
  }

 private:
  float rho_, momentum_, epsilon_;
  bool centered_;
};

class Adagrad final : public FlatOptimizer {
 public:
  Adagrad(const OptimizerSpec& spec, TensorBounds tensors)
      : FlatOptimizer(spec, std::move(tensors), 1),
        initial_(static_cast<float>(spec.initialAccumulatorValue)),
        epsilon_(static_cast<float>(spec.epsilon)) {}
  std::string_view name() const override { return "adagrad"; }

 protected:
  void initializeSlots() override { std::fill_n(slot(0), parameterCount(), initial_); }
  void update(std::span<float> p, std::span<const float> g, float lr) override {
    float* acc = slot(0);
    const float eps = epsilon_;
    for (std::size_t i = 0; i < p.size(); ++i) {
      acc[i] += g[i] * g[i];
      p[i] -= lr * g[i] / std::sqrt(acc[i] + eps);
    }
  }

 private:
  float initial_, epsilon_;
};

// Zeiler's Adadelta as Keras writes it: the step is the gradient scaled by
// rms(accumulated squared steps) / rms(accumulated squared gradients), times the learning rate.
class Adadelta final : public FlatOptimizer {
 public:
  Adadelta(const OptimizerSpec& spec, TensorBounds tensors)
      : FlatOptimizer(spec, std::move(tensors), 2),
        rho_(static_cast<float>(spec.rho)),
        epsilon_(static_cast<float>(spec.epsilon)) {}
  std::string_view name() const override { return "adadelta"; }

 protected:
  void update(std::span<float> p, std::span<const float> g, float lr) override {
    float* accumulatedGrad = slot(0);
    float* accumulatedDelta = slot(1);
    const float rho = rho_;
    const float eps = epsilon_;
    for (std::size_t i = 0; i < p.size(); ++i) {
      accumulatedGrad[i] = rho * accumulatedGrad[i] + (1.0F - rho) * g[i] * g[i];
      const float delta =
          -std::sqrt(accumulatedDelta[i] + eps) * g[i] / std::sqrt(accumulatedGrad[i] + eps);
      accumulatedDelta[i] = rho * accumulatedDelta[i] + (1.0F - rho) * delta * delta;
      p[i] += lr * delta;
    }
  }

 private:
  float rho_, epsilon_;
};

}  // namespace

void readRmsPropArguments(Options& o, OptimizerSpec& spec) {
  spec.rho = o.number("rho", 0.9, kProbability);
  spec.momentum = o.number("momentum", 0.0, kProbability);
  spec.epsilon = o.number("epsilon", 1e-7, kPositive);
  spec.centered = o.boolean("centered", false);
}

std::unique_ptr<Optimizer> makeRmsProp(const OptimizerSpec& spec, TensorBounds tensors) {
  return std::make_unique<RmsProp>(spec, std::move(tensors));
}

void readAdagradArguments(Options& o, OptimizerSpec& spec) {
  spec.initialAccumulatorValue = o.number("initial_accumulator_value", 0.1, kNonNegative);
  spec.epsilon = o.number("epsilon", 1e-7, kPositive);
}

std::unique_ptr<Optimizer> makeAdagrad(const OptimizerSpec& spec, TensorBounds tensors) {
  return std::make_unique<Adagrad>(spec, std::move(tensors));
}

void readAdadeltaArguments(Options& o, OptimizerSpec& spec) {
  spec.rho = o.number("rho", 0.95, kProbability);
  spec.epsilon = o.number("epsilon", 1e-7, kPositive);
}

std::unique_ptr<Optimizer> makeAdadelta(const OptimizerSpec& spec, TensorBounds tensors) {
  return std::make_unique<Adadelta>(spec, std::move(tensors));
}

}  // namespace tunelab
