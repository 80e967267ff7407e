// keras.optimizers.Ftrl: follow the regularised leader (McMahan et al., 2013) with Keras'
// l2 shrinkage and beta. Each parameter is set, not stepped: w = (clip(z, l1) - z) / quadratic.
#include <algorithm>
#include <cmath>

#include "core/optimizers/Optimizers.h"

namespace tunelab {

namespace {

class Ftrl final : public FlatOptimizer {
 public:
  Ftrl(const OptimizerSpec& spec, TensorBounds tensors)
      : FlatOptimizer(spec, std::move(tensors), 2),
        initial_(static_cast<float>(spec.initialAccumulatorValue)),
        power_(static_cast<float>(-spec.ftrl.learningRatePower)),
        l1_(static_cast<float>(spec.ftrl.l1)),
        l2_(static_cast<float>(spec.ftrl.l2)),
        shrinkage_(static_cast<float>(spec.ftrl.l2Shrinkage)),
        beta_(static_cast<float>(spec.ftrl.beta)) {}
  std::string_view name() const override { return "ftrl"; }

 protected:
  void initializeSlots() override { std::fill_n(slot(0), parameterCount(), initial_); }

  void update(std::span<float> p, std::span<const float> g, float lr) override {
    float* accumulator = slot(0);
    float* linear = slot(1);
    const float l2 = l2_ + beta_ / (2.0F * lr);
    for (std::size_t i = 0; i < p.size(); ++i) {
      const float newAccumulator = accumulator[i] + g[i] * g[i];
      const float newRate = power(newAccumulator);
      linear[i] += g[i] + 2.0F * shrinkage_ * p[i] - (newRate - power(accumulator[i])) / lr * p[i];
      const float quadratic = newRate / lr + 2.0F * l2;
      p[i] = (std::clamp(linear[i], -l1_, l1_) - linear[i]) / quadratic;
      accumulator[i] = newAccumulator;
    }
  }

 private:
  // accumulator^(-learning_rate_power); the default power 0.5 is a square root.
  float power(float accumulator) const {
    return power_ == 0.5F ? std::sqrt(accumulator) : std::pow(accumulator, power_);
  }

  float initial_, power_, l1_, l2_, shrinkage_, beta_;
};

}  // namespace

void readFtrlArguments(Options& o, OptimizerSpec& spec) {
  spec.ftrl.learningRatePower = o.number("learning_rate_power", -0.5, {.max = 0});
  spec.initialAccumulatorValue = o.number("initial_accumulator_value", 0.1, kNonNegative);
  spec.ftrl.l1 = o.number("l1_regularization_strength", 0.0, kNonNegative);
  spec.ftrl.l2 = o.number("l2_regularization_strength", 0.0, kNonNegative);
  spec.ftrl.l2Shrinkage = o.number("l2_shrinkage_regularization_strength", 0.0, kNonNegative);
  spec.ftrl.beta = o.number("beta", 0.0, kNonNegative);
}

std::unique_ptr<Optimizer> makeFtrl(const OptimizerSpec& spec, TensorBounds tensors) {
  return std::make_unique<Ftrl>(spec, std::move(tensors));
}

}  // namespace tunelab
