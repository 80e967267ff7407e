// keras.optimizers.Adam and AdamW (Adam with weight_decay 0.004; the decay itself is the
// decoupled one every optimizer applies, see FlatOptimizer::step).
#include <algorithm>
#include <cmath>
#include <string>

#include "core/Backend.h"
#include "core/optimizers/Optimizers.h"

namespace tunelab {

namespace {

class Adam final : public FlatOptimizer {
 public:
  Adam(const OptimizerSpec& spec, TensorBounds tensors)
      : FlatOptimizer(spec, std::move(tensors), spec.amsgrad ? 3 : 2),
        name_(spec.type == "adamw" ? "adamw" : "adam"),
        beta1_(static_cast<float>(spec.beta1)),
        beta2_(static_cast<float>(spec.beta2)),
        epsilon_(static_cast<float>(spec.epsilon)),
        amsgrad_(spec.amsgrad) {}
  std::string_view name() const override { return name_; }

 protected:
  void update(std::span<float> p, std::span<const float> g, float lr) override {
    const std::size_t n = p.size();
    const double t = steps();
    const auto alpha =
        static_cast<float>(lr * std::sqrt(1.0 - std::pow(beta2_, t)) / (1.0 - std::pow(beta1_, t)));
    if (amsgrad_) {
      amsgradUpdate(p, g, alpha);
      return;
    }
    const AdamStep step{alpha, beta1_, beta2_, epsilon_};
    const std::span<float> m(slot(0), n);
    const std::span<float> v(slot(1), n);
    if (backend() != nullptr) {
      backend()->adamUpdate(p, g, m, v, step);
    } else {
      adamUpdateLoop(p, g, m, v, step);
    }
  }

 private:
  void amsgradUpdate(std::span<float> p, std::span<const float> g, float alpha) {
    float* __restrict m = slot(0);
    float* __restrict v = slot(1);
    float* __restrict vMax = slot(2);
    float* __restrict pp = p.data();
    const float* __restrict gg = g.data();
    const float b1 = 1.0F - beta1_;
    const float b2 = 1.0F - beta2_;
    const float eps = epsilon_;
    for (std::size_t i = 0; i < p.size(); ++i) {
      m[i] += (gg[i] - m[i]) * b1;
      v[i] += (gg[i] * gg[i] - v[i]) * b2;
      vMax[i] = std::max(vMax[i], v[i]);
      pp[i] -= alpha * m[i] / (std::sqrt(vMax[i]) + eps);
    }
  }

  std::string_view name_;
  float beta1_, beta2_, epsilon_;
  bool amsgrad_;
};

}  // namespace

void readAdamArguments(Options& o, OptimizerSpec& spec) {
  readAdamaxArguments(o, spec);
  spec.amsgrad = o.boolean("amsgrad", false);
}

std::unique_ptr<Optimizer> makeAdam(const OptimizerSpec& spec, TensorBounds tensors) {
  return std::make_unique<Adam>(spec, std::move(tensors));
}

}  // namespace tunelab
