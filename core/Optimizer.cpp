#include "core/Optimizer.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "core/Backend.h"
#include "core/Error.h"
#include "core/Options.h"
#include "core/TrackedMemory.h"

namespace tunelab {

Optimizer::~Optimizer() = default;

namespace {

// Keras' gradient clipping, applied before every update.
struct Clipping {
  GradientClipping limits;
  std::vector<std::size_t> bounds;

  static double norm(std::span<const float> g) {
    double s = 0.0;
    for (float v : g) s += static_cast<double>(v) * v;
    return std::sqrt(s);
  }
  static void scale(std::span<float> g, double limit, double n) {
    if (n <= limit) return;
    const auto factor = static_cast<float>(limit / n);
    for (auto& v : g) v *= factor;
  }

  void apply(std::span<float> grads) const {
    if (limits.clipvalue > 0.0) {
      const auto c = static_cast<float>(limits.clipvalue);
      for (auto& v : grads) v = std::clamp(v, -c, c);
    }
    if (limits.clipnorm > 0.0) {
      if (bounds.size() < 2) {
        scale(grads, limits.clipnorm, norm(grads));
      } else {
        for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
          auto tensor = grads.subspan(bounds[i], bounds[i + 1] - bounds[i]);
          scale(tensor, limits.clipnorm, norm(tensor));
        }
      }
    }
    if (limits.globalClipnorm > 0.0) scale(grads, limits.globalClipnorm, norm(grads));
  }
};

// Shared parts: learning rate, clipping, slots of per-parameter state, the step count.
class FlatOptimizer : public Optimizer {
 public:
  FlatOptimizer(float learningRate, Clipping clipping, std::size_t slots)
      : learningRate_(learningRate), clipping_(std::move(clipping)), slotCount_(slots) {}

  float learningRate() const override { return learningRate_; }

  void initialize(std::size_t parameterCount) override {
    parameters_ = parameterCount;
    slots_.assign(slotCount_ * parameterCount, 0.0F);
    initializeSlots();
    steps_ = 0;
  }

  void step(std::span<float> params, std::span<float> grads, float learningRate) override {
    clipping_.apply(grads);
    ++steps_;
    update(params, grads, learningRate);
  }

  std::vector<float> saveState() const override {
    std::vector<float> state(slots_.begin(), slots_.end());
    state.push_back(std::bit_cast<float>(steps_));
    return state;
  }

  void loadState(std::span<const float> state) override {
    if (state.size() != slots_.size() + 1) {
      throw Error("optimizer state of " + std::to_string(state.size()) + " values does not fit " +
                  std::string(name()) + " over " + std::to_string(parameters_) + " parameters");
    }
    std::copy(state.begin(), state.end() - 1, slots_.begin());
    steps_ = std::bit_cast<std::uint32_t>(state.back());
  }

 protected:
  virtual void initializeSlots() {}
  virtual void update(std::span<float> params, std::span<const float> grads, float lr) = 0;
  float* slot(std::size_t i) { return slots_.data() + i * parameters_; }
  std::size_t parameterCount() const { return parameters_; }
  std::uint32_t steps() const { return steps_; }

 private:
  float learningRate_;
  Clipping clipping_;
  std::size_t slotCount_;
  std::size_t parameters_ = 0;
  FloatBuffer slots_;
  std::uint32_t steps_ = 0;
};

class Sgd final : public FlatOptimizer {
 public:
  Sgd(float lr, Clipping c, float momentum, bool nesterov)
      : FlatOptimizer(lr, std::move(c), momentum > 0.0F ? 1 : 0),
        momentum_(momentum),
        nesterov_(nesterov) {}
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

class RmsProp final : public FlatOptimizer {
 public:
  RmsProp(float lr, Clipping c, float rho, float momentum, float epsilon, bool centered)
      : FlatOptimizer(lr, std::move(c), 3),
        rho_(rho),
        momentum_(momentum),
        epsilon_(epsilon),
        centered_(centered) {}
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
  Adagrad(float lr, Clipping c, float initial, float epsilon)
      : FlatOptimizer(lr, std::move(c), 1), initial_(initial), epsilon_(epsilon) {}
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

class Adam final : public FlatOptimizer {
 public:
  Adam(std::string_view name, float lr, Clipping c, float beta1, float beta2, float epsilon,
       bool amsgrad, float weightDecay)
      : FlatOptimizer(lr, std::move(c), amsgrad ? 3 : 2),
        name_(name),
        beta1_(beta1),
        beta2_(beta2),
        epsilon_(epsilon),
        amsgrad_(amsgrad),
        weightDecay_(weightDecay) {}
  std::string_view name() const override { return name_; }

 protected:
  void update(std::span<float> p, std::span<const float> g, float lr) override {
    const std::size_t n = p.size();
    if (weightDecay_ > 0.0F) {
      const float decay = 1.0F - lr * weightDecay_;
      for (std::size_t i = 0; i < n; ++i) p[i] *= decay;
    }
    const double t = steps();
    const auto alpha =
        static_cast<float>(lr * std::sqrt(1.0 - std::pow(beta2_, t)) / (1.0 - std::pow(beta1_, t)));
    if (!amsgrad_) {
      const AdamStep step{alpha, beta1_, beta2_, epsilon_};
      const std::span<float> m(slot(0), n);
      const std::span<float> v(slot(1), n);
      if (backend() != nullptr) {
        backend()->adamUpdate(p, g, m, v, step);
      } else {
        adamUpdateLoop(p, g, m, v, step);
      }
      return;
    }
    float* __restrict m = slot(0);
    float* __restrict v = slot(1);
    float* __restrict pp = p.data();
    const float* __restrict gg = g.data();
    const float b1 = 1.0F - beta1_;
    const float b2 = 1.0F - beta2_;
    const float eps = epsilon_;
    float* __restrict vMax = slot(2);
    for (std::size_t i = 0; i < n; ++i) {
      m[i] += (gg[i] - m[i]) * b1;
      v[i] += (gg[i] * gg[i] - v[i]) * b2;
      vMax[i] = std::max(vMax[i], v[i]);
      pp[i] -= alpha * m[i] / (std::sqrt(vMax[i]) + eps);
    }
  }

 private:
  std::string_view name_;
  float beta1_, beta2_, epsilon_;
  bool amsgrad_;
  float weightDecay_;
};

constexpr Range kProbability{.min = 0, .max = 1, .maxExclusive = true};
constexpr Range kPositive{.min = 0, .minExclusive = true};
constexpr Range kNonNegative{.min = 0};

}  // namespace

std::vector<std::string> optimizerNames() { return {"sgd", "rmsprop", "adagrad", "adam", "adamw"}; }

OptimizerSpec parseOptimizer(const nlohmann::json& json) {
  const nlohmann::json object =
      json.is_string() ? nlohmann::json{{"type", json.get<std::string>()}} : json;
  Options o(object, "the optimizer");
  OptimizerSpec spec;
  spec.type = o.string("type");
  const auto names = optimizerNames();
  if (std::find(names.begin(), names.end(), spec.type) == names.end()) {
    std::string message = "unknown optimizer '" + spec.type + "'";
    if (auto near = nearestName(spec.type, names); !near.empty()) {
      message += " (did you mean '" + near + "'?)";
    }
    throw ConfigError(json.is_string() ? "" : "type",
                      message + "; valid optimizers: " + joinNames(names));
  }
  spec.clipping.clipnorm = o.number("clipnorm", 0.0, kNonNegative);
  spec.clipping.globalClipnorm = o.number("global_clipnorm", 0.0, kNonNegative);
  spec.clipping.clipvalue = o.number("clipvalue", 0.0, kNonNegative);
  if (spec.type == "sgd") {
    spec.learningRate = o.number("learning_rate", 0.01, kPositive);
    spec.momentum = o.number("momentum", 0.0, kProbability);
    spec.nesterov = o.boolean("nesterov", false);
  } else if (spec.type == "rmsprop") {
    spec.learningRate = o.number("learning_rate", 0.001, kPositive);
    spec.rho = o.number("rho", 0.9, kProbability);
    spec.momentum = o.number("momentum", 0.0, kProbability);
    spec.epsilon = o.number("epsilon", 1e-7, kPositive);
    spec.centered = o.boolean("centered", false);
  } else if (spec.type == "adagrad") {
    spec.learningRate = o.number("learning_rate", 0.001, kPositive);
    spec.initialAccumulatorValue = o.number("initial_accumulator_value", 0.1, kNonNegative);
    spec.epsilon = o.number("epsilon", 1e-7, kPositive);
  } else {
    spec.learningRate = o.number("learning_rate", 0.001, kPositive);
    spec.beta1 = o.number("beta_1", 0.9, kProbability);
    spec.beta2 = o.number("beta_2", 0.999, kProbability);
    spec.epsilon = o.number("epsilon", 1e-7, kPositive);
    spec.amsgrad = o.boolean("amsgrad", false);
    if (spec.type == "adamw") spec.weightDecay = o.number("weight_decay", 0.004, kNonNegative);
  }
  o.finish();
  return spec;
}

std::unique_ptr<Optimizer> makeOptimizer(const OptimizerSpec& spec,
                                         std::vector<std::size_t> tensorBounds) {
  const Clipping clip{spec.clipping, std::move(tensorBounds)};
  auto f = [](double v) { return static_cast<float>(v); };
  const float lr = f(spec.learningRate);
  if (spec.type == "sgd") return std::make_unique<Sgd>(lr, clip, f(spec.momentum), spec.nesterov);
  if (spec.type == "rmsprop") {
    return std::make_unique<RmsProp>(lr, clip, f(spec.rho), f(spec.momentum), f(spec.epsilon),
                                     spec.centered);
  }
  if (spec.type == "adagrad") {
    return std::make_unique<Adagrad>(lr, clip, f(spec.initialAccumulatorValue), f(spec.epsilon));
  }
  return std::make_unique<Adam>(spec.type == "adamw" ? "adamw" : "adam", lr, clip, f(spec.beta1),
                                f(spec.beta2), f(spec.epsilon), spec.amsgrad, f(spec.weightDecay));
}

}  // namespace tunelab
