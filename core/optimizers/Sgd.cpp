// keras.optimizers.SGD.
#include "core/optimizers/Optimizers.h"

namespace tunelab {

namespace {

class Sgd final : public FlatOptimizer {
 public:
  Sgd(const OptimizerSpec& spec, TensorBounds tensors)
      : FlatOptimizer(spec, std::move(tensors), spec.momentum > 0.0 ? 1 : 0),
        momentum_(static_cast<float>(spec.momentum)),
        nesterov_(spec.nesterov) {}
  std::string_view name() const override { return "sgd"; }

 protected:
  void update(std::span<float> p, std::span<const float> g, float lr) override {
    const std::size_t n = p.size();
    if (momentum_ == 0.0F) {
      for (std::size_t i = 0; i < n; ++i) p[i] -= lr * g[i];
      return;
    }
    float* m = slot(0);
    const float mu = momentum_;
    if (nesterov_) {
      for (std::size_t i = 0; i < n; ++i) {
        m[i] = mu * m[i] - lr * g[i];
        p[i] += mu * m[i] - lr * g[i];
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        m[i] = mu * m[i] - lr * g[i];
        p[i] += m[i];
      }
    }
  }

 private:
  float momentum_;
  bool nesterov_;
};

}  // namespace

void readSgdArguments(Options& o, OptimizerSpec& spec) {
  spec.momentum = o.number("momentum", 0.0, kProbability);
  spec.nesterov = o.boolean("nesterov", false);
}

std::unique_ptr<Optimizer> makeSgd(const OptimizerSpec& spec, TensorBounds tensors) {
  return std::make_unique<Sgd>(spec, std::move(tensors));
}

}  // namespace tunelab
