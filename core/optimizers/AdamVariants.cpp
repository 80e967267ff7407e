// Adam's relatives in keras.optimizers: Adamax (infinity norm), Nadam (Nesterov momentum with
// Keras' momentum-cache schedule) and Lamb (Adam's step scaled per tensor by a trust ratio).
#include <algorithm>
#include <cmath>

#include "core/optimizers/Optimizers.h"

namespace tunelab {

namespace {

class AdamLike : public FlatOptimizer {
 public:
  AdamLike(const OptimizerSpec& spec, TensorBounds tensors)
      : FlatOptimizer(spec, std::move(tensors), 2),
        beta1_(static_cast<float>(spec.beta1)),
        beta2_(static_cast<float>(spec.beta2)),
        epsilon_(static_cast<float>(spec.epsilon)) {}

 protected:
  float beta1_, beta2_, epsilon_;
};

// m += (g - m)(1 - beta_1); u = max(beta_2 u, |g|); p -= lr m / ((1 - beta_1^t)(u + epsilon)).
class Adamax final : public AdamLike {
 public:
  using AdamLike::AdamLike;
  std::string_view name() const override { return "adamax"; }

 protected:
  void update(std::span<float> p, std::span<const float> g, float lr) override {
    float* m = slot(0);
    float* u = slot(1);
    const auto correction = static_cast<float>(1.0 - std::pow(beta1_, double(steps())));
    const float b1 = 1.0F - beta1_;
    for (std::size_t i = 0; i < p.size(); ++i) {
      m[i] += (g[i] - m[i]) * b1;
      u[i] = std::max(beta2_ * u[i], std::fabs(g[i]));
      p[i] -= lr * m[i] / (correction * (u[i] + epsilon_));
    }
  }
};

// Keras' Nadam: the momentum coefficient of step t is u_t = beta_1 (1 - 0.5 * 0.96^t), and the
// bias corrections use the running product of the u_t (PyTorch's NAdam with momentum_decay 1;
// PyTorch's default 0.004 decays the coefficient 250 times more slowly).
class Nadam final : public AdamLike {
 public:
  using AdamLike::AdamLike;
  std::string_view name() const override { return "nadam"; }

 protected:
  void restoreFromSteps() override {
    uProduct_ = 1.0;
    for (std::uint32_t t = 1; t <= steps(); ++t) uProduct_ *= momentumAt(t);
  }

  void update(std::span<float> p, std::span<const float> g, float lr) override {
    const std::uint32_t t = steps();
    const double u = momentumAt(t);
    const double uNext = momentumAt(t + 1);
    uProduct_ *= u;
    const auto momentumWeight = static_cast<float>(uNext / (1.0 - uProduct_ * uNext));
    const auto gradientWeight = static_cast<float>((1.0 - u) / (1.0 - uProduct_));
    const auto velocityCorrection = static_cast<float>(1.0 - std::pow(beta2_, double(t)));
    float* m = slot(0);
    float* v = slot(1);
    const float b1 = 1.0F - beta1_;
    const float b2 = 1.0F - beta2_;
    for (std::size_t i = 0; i < p.size(); ++i) {
      m[i] += (g[i] - m[i]) * b1;
      v[i] += (g[i] * g[i] - v[i]) * b2;
      const float mHat = momentumWeight * m[i] + gradientWeight * g[i];
      p[i] -= lr * mHat / (std::sqrt(v[i] / velocityCorrection) + epsilon_);
    }
  }

 private:
  double momentumAt(std::uint32_t t) const {
    return beta1_ * (1.0 - 0.5 * std::pow(0.96, double(t)));
  }

  double uProduct_ = 1.0;
};

// Adam's bias-corrected step r = m_hat / (sqrt(v_hat) + epsilon), scaled per parameter tensor
// by ||w|| / ||r|| (1 when either norm is 0).
class Lamb final : public AdamLike {
 public:
  using AdamLike::AdamLike;
  std::string_view name() const override { return "lamb"; }

 protected:
  void update(std::span<float> p, std::span<const float> g, float lr) override {
    const double t = steps();
    const auto mCorrection = static_cast<float>(1.0 - std::pow(beta1_, t));
    const auto vCorrection = static_cast<float>(1.0 - std::pow(beta2_, t));
    float* m = slot(0);
    float* v = slot(1);
    const float b1 = 1.0F - beta1_;
    const float b2 = 1.0F - beta2_;
    for (std::size_t i = 0; i < p.size(); ++i) {
      m[i] += (g[i] - m[i]) * b1;
      v[i] += (g[i] * g[i] - v[i]) * b2;
    }
    tensors().forEach(p.size(), [&](std::size_t begin, std::size_t size) {
      double weightNorm = 0.0;
      double stepNorm = 0.0;
      for (std::size_t i = begin; i < begin + size; ++i) {
        const float r = (m[i] / mCorrection) / (std::sqrt(v[i] / vCorrection) + epsilon_);
        weightNorm += double(p[i]) * p[i];
        stepNorm += double(r) * r;
      }
      const double ratio =
          weightNorm > 0.0 && stepNorm > 0.0 ? std::sqrt(weightNorm / stepNorm) : 1.0;
      const auto scale = static_cast<float>(ratio) * lr;
      for (std::size_t i = begin; i < begin + size; ++i) {
        const float r = (m[i] / mCorrection) / (std::sqrt(v[i] / vCorrection) + epsilon_);
        p[i] -= scale * r;
      }
    });
  }
};

}  // namespace

void readAdamaxArguments(Options& o, OptimizerSpec& spec) {
  spec.beta1 = o.number("beta_1", 0.9, kProbability);
  spec.beta2 = o.number("beta_2", 0.999, kProbability);
  spec.epsilon = o.number("epsilon", 1e-7, kPositive);
}

std::unique_ptr<Optimizer> makeAdamax(const OptimizerSpec& spec, TensorBounds tensors) {
  return std::make_unique<Adamax>(spec, std::move(tensors));
}

std::unique_ptr<Optimizer> makeNadam(const OptimizerSpec& spec, TensorBounds tensors) {
  return std::make_unique<Nadam>(spec, std::move(tensors));
}

std::unique_ptr<Optimizer> makeLamb(const OptimizerSpec& spec, TensorBounds tensors) {
  return std::make_unique<Lamb>(spec, std::move(tensors));
}

}  // namespace tunelab
