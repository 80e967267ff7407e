// keras.optimizers.Lion: steps of exactly the learning rate in the sign of an interpolation
// between the momentum and the gradient.
#include "core/optimizers/Optimizers.h"

namespace tunelab {

namespace {

class Lion final : public FlatOptimizer {
 public:
  Lion(const OptimizerSpec& spec, TensorBounds tensors)
      : FlatOptimizer(spec, std::move(tensors), 1),
        beta1_(static_cast<float>(spec.beta1)),
        beta2_(static_cast<float>(spec.beta2)) {}
  std::string_view name() const override { return "lion"; }

 protected:
  void update(std::span<float> p, std::span<const float> g, float lr) override {
    float* m = slot(0);
    for (std::size_t i = 0; i < p.size(); ++i) {
      const float direction = m[i] * beta1_ + g[i] * (1.0F - beta1_);
      p[i] -= lr * static_cast<float>((direction > 0.0F) - (direction < 0.0F));
      m[i] = m[i] * beta2_ + g[i] * (1.0F - beta2_);
    }
  }

 private:
  float beta1_, beta2_;
};

}  // namespace

void readLionArguments(Options& o, OptimizerSpec& spec) {
  // Keras refuses beta_1 outside (0, 1]: at 0 Lion degenerates to sign SGD.
  spec.beta1 = o.number("beta_1", 0.9, {.min = 0, .max = 1, .minExclusive = true});
  spec.beta2 = o.number("beta_2", 0.99, kProbability);
}

std::unique_ptr<Optimizer> makeLion(const OptimizerSpec& spec, TensorBounds tensors) {
  return std::make_unique<Lion>(spec, std::move(tensors));
}

}  // namespace tunelab
