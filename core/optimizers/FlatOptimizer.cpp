#include "core/optimizers/FlatOptimizer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

#include "core/Error.h"

namespace tunelab {

namespace {

double norm(std::span<const float> g) {
  double s = 0.0;
  for (float v : g) s += static_cast<double>(v) * v;
  return std::sqrt(s);
}

void scaleToNorm(std::span<float> g, double limit) {
  const double n = norm(g);
  if (n <= limit) return;
  const auto factor = static_cast<float>(limit / n);
  for (auto& v : g) v *= factor;
}

}  // namespace

void clipGradients(const GradientClipping& limits, const TensorBounds& tensors,
                   std::span<float> grads) {
  if (limits.clipvalue > 0.0) {
    const auto c = static_cast<float>(limits.clipvalue);
    for (auto& v : grads) v = std::clamp(v, -c, c);
  }
  if (limits.clipnorm > 0.0) {
    tensors.forEach(grads.size(), [&](std::size_t begin, std::size_t size) {
      scaleToNorm(grads.subspan(begin, size), limits.clipnorm);
    });
  }
  if (limits.globalClipnorm > 0.0) scaleToNorm(grads, limits.globalClipnorm);
}

FlatOptimizer::FlatOptimizer(const OptimizerSpec& spec, TensorBounds tensors, std::size_t slots)
    : learningRate_(static_cast<float>(spec.learningRate)),
      weightDecay_(static_cast<float>(spec.weightDecay)),
      clipping_(spec.clipping),
      tensors_(std::move(tensors)),
      slotCount_(slots) {}

void FlatOptimizer::initialize(std::size_t parameterCount) {
  parameters_ = parameterCount;
  slots_.assign(slotCount_ * slotStride(), 0.0F);
  initializeSlots();
  steps_ = 0;
  restoreFromSteps();
}

void FlatOptimizer::step(std::span<float> params, std::span<float> grads, float learningRate) {
  clipGradients(clipping_, tensors_, grads);
  if (weightDecay_ > 0.0F) {
    // BaseOptimizer._apply_weight_decay: variable - variable * weight_decay * learning_rate.
    const float decay = weightDecay_ * learningRate;
    for (auto& p : params) p -= p * decay;
  }
  ++steps_;
  update(params, grads, learningRate);
}

// The slots one after another without their padding, then the step count: the format does not
// depend on the alignment.
std::vector<float> FlatOptimizer::saveState() const {
  std::vector<float> state;
  state.reserve(slotCount_ * parameters_ + 1);
  for (std::size_t i = 0; i < slotCount_; ++i) {
    const auto first = slots_.begin() + static_cast<std::ptrdiff_t>(i * slotStride());
    state.insert(state.end(), first, first + static_cast<std::ptrdiff_t>(parameters_));
  }
  state.push_back(std::bit_cast<float>(steps_));
  return state;
}

void FlatOptimizer::loadState(std::span<const float> state) {
  const std::size_t needed = slotCount_ * parameters_ + 1;
  if (state.size() != needed) {
    throw Error("optimizer state of " + std::to_string(state.size()) + " values does not fit " +
                std::string(name()) + " over " + std::to_string(parameters_) +
                " parameters (it needs " + std::to_string(needed) + ")");
  }
  for (std::size_t i = 0; i < slotCount_; ++i) {
    std::copy_n(state.begin() + static_cast<std::ptrdiff_t>(i * parameters_), parameters_,
                slots_.begin() + static_cast<std::ptrdiff_t>(i * slotStride()));
  }
  steps_ = std::bit_cast<std::uint32_t>(state.back());
  restoreFromSteps();
}

}  // namespace tunelab
