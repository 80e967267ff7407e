#include "core/Schedule.h"

#include <cmath>
#include <limits>

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

LearningRateSchedule::~LearningRateSchedule() = default;
void LearningRateSchedule::onEpochEnd(int /*epoch*/, double /*monitored*/) {}
std::optional<std::string> LearningRateSchedule::monitor() const { return std::nullopt; }
nlohmann::json LearningRateSchedule::saveState() const { return nullptr; }
void LearningRateSchedule::loadState(const nlohmann::json& /*state*/) {}

namespace {

class ConstantRate final : public LearningRateSchedule {
 public:
  float rate(int /*epoch*/, float base) const override { return base; }
};

class ExponentialDecay final : public LearningRateSchedule {
 public:
  ExponentialDecay(double rate, double steps, bool staircase)
      : decayRate_(rate), decaySteps_(steps), staircase_(staircase) {}
  float rate(int epoch, float base) const override {
    double p = epoch / decaySteps_;
    if (staircase_) p = std::floor(p);
    return static_cast<float>(base * std::pow(decayRate_, p));
  }

 private:
  double decayRate_, decaySteps_;
  bool staircase_;
};

class StepDecay final : public LearningRateSchedule {
 public:
  StepDecay(double factor, int stepSize) : factor_(factor), stepSize_(stepSize) {}
  float rate(int epoch, float base) const override {
    return static_cast<float>(base * std::pow(factor_, epoch / stepSize_));
  }

 private:
  double factor_;
  int stepSize_;
};

// Keras ReduceLROnPlateau: the reduced rate persists; `scale_` multiplies the base rate.
class ReduceOnPlateau final : public LearningRateSchedule {
 public:
  ReduceOnPlateau(std::string monitor, double factor, int patience, double minDelta, int cooldown,
                  double minLr, bool higherIsBetter)
      : monitor_(std::move(monitor)),
        factor_(factor),
        patience_(patience),
        minDelta_(minDelta),
        cooldown_(cooldown),
        minLr_(minLr),
        higher_(higherIsBetter) {}

  float rate(int /*epoch*/, float base) const override {
    baseSeen_ = base;
    return static_cast<float>(std::max(base * scale_, std::min(minLr_, static_cast<double>(base))));
  }
  std::optional<std::string> monitor() const override { return monitor_; }

  void onEpochEnd(int /*epoch*/, double value) override {
    if (cooldownLeft_ > 0) {
      --cooldownLeft_;
      wait_ = 0;
    }
    const bool improved = higher_ ? value > best_ + minDelta_ : value < best_ - minDelta_;
    if (improved) {
      best_ = value;
      wait_ = 0;
      return;
    }
    if (cooldownLeft_ > 0) return;
    if (++wait_ >= patience_) {
      const double current = baseSeen_ * scale_;
      if (current > minLr_) {
        const double next = std::max(current * factor_, minLr_);
        scale_ = baseSeen_ > 0 ? next / baseSeen_ : scale_ * factor_;
        cooldownLeft_ = cooldown_;
        wait_ = 0;
      }
    }
  }

  nlohmann::json saveState() const override {
    return {{"best", best_}, {"wait", wait_}, {"cooldown", cooldownLeft_}, {"scale", scale_}};
  }
  void loadState(const nlohmann::json& s) override {
    if (s.is_null()) return;
    best_ = s.at("best").get<double>();
    wait_ = s.at("wait").get<int>();
    cooldownLeft_ = s.at("cooldown").get<int>();
    scale_ = s.at("scale").get<double>();
  }

 private:
  std::string monitor_;
  double factor_;
  int patience_;
  double minDelta_;
  int cooldown_;
  double minLr_;
  bool higher_;
  double best_ =
      higher_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  int wait_ = 0;
  int cooldownLeft_ = 0;
  double scale_ = 1.0;
  mutable double baseSeen_ = 0.0;
};

}  // namespace

ScheduleSpec parseSchedule(const nlohmann::json& json) {
  ScheduleSpec spec;
  if (json.is_null()) return spec;
  const nlohmann::json object =
      json.is_string() ? nlohmann::json{{"type", json.get<std::string>()}} : json;
  Options o(object, "the learning-rate schedule");
  spec.type = o.choice("type", {"constant", "exponential_decay", "step_decay", "reduce_on_plateau"},
                       "constant");
  if (spec.type == "exponential_decay") {
    spec.decayRate = o.number("decay_rate", {.min = 0, .minExclusive = true});
    spec.decaySteps = o.number("decay_steps", {.min = 0, .minExclusive = true});
    spec.staircase = o.boolean("staircase", false);
  } else if (spec.type == "step_decay") {
    spec.factor = o.number("factor", 0.5, {.min = 0, .minExclusive = true});
    spec.stepSize = static_cast<int>(o.integer("step_size", {.min = 1}));
  } else if (spec.type == "reduce_on_plateau") {
    spec.monitor = o.string("monitor", "val_loss");
    spec.factor =
        o.number("factor", 0.1, {.min = 0, .max = 1, .minExclusive = true, .maxExclusive = true});
    spec.patience = static_cast<int>(o.integer("patience", 10, {.min = 0}));
    spec.minDelta = o.number("min_delta", 1e-4, {.min = 0});
    spec.cooldown = static_cast<int>(o.integer("cooldown", 0, {.min = 0}));
    spec.minLr = o.number("min_lr", 0.0, {.min = 0});
    const std::string mode = o.choice("mode", {"auto", "min", "max"}, "auto");
    spec.higherIsBetter =
        mode == "max" || (mode == "auto" && (spec.monitor.find("acc") != std::string::npos ||
                                             spec.monitor.find("auc") != std::string::npos ||
                                             spec.monitor.find("r2") != std::string::npos));
  }
  o.finish();
  return spec;
}

std::unique_ptr<LearningRateSchedule> makeSchedule(const ScheduleSpec& spec) {
  if (spec.type == "exponential_decay") {
    return std::make_unique<ExponentialDecay>(spec.decayRate, spec.decaySteps, spec.staircase);
  }
  if (spec.type == "step_decay") return std::make_unique<StepDecay>(spec.factor, spec.stepSize);
  if (spec.type == "reduce_on_plateau") {
    return std::make_unique<ReduceOnPlateau>(spec.monitor, spec.factor, spec.patience,
                                             spec.minDelta, spec.cooldown, spec.minLr,
                                             spec.higherIsBetter);
  }
  return std::make_unique<ConstantRate>();
}

}  // namespace tunelab
