#include "core/Backend.h"

#include <cmath>

namespace tunelab {

Backend::~Backend() = default;

std::string Backend::description() const { return std::string(name()); }

void adamUpdateLoop(std::span<float> params, std::span<const float> grads, std::span<float> m,
                    std::span<float> v, const AdamStep& step) {
  // The buffers never overlap; saying so lets the compiler vectorise the update.
  float* __restrict mm = m.data();
  float* __restrict vv = v.data();
  float* __restrict p = params.data();
  const float* __restrict g = grads.data();
  const float b1 = 1.0F - step.beta1;
  const float b2 = 1.0F - step.beta2;
  const float alpha = step.alpha;
  const float eps = step.epsilon;
  const std::size_t n = params.size();
  for (std::size_t i = 0; i < n; ++i) {
    mm[i] += (g[i] - mm[i]) * b1;
    vv[i] += (g[i] * g[i] - vv[i]) * b2;
    p[i] -= alpha * mm[i] / (std::sqrt(vv[i]) + eps);
  }
}

void Backend::adamUpdate(std::span<float> params, std::span<const float> grads, std::span<float> m,
                         std::span<float> v, const AdamStep& step) {
  adamUpdateLoop(params, grads, m, v, step);
}

}  // namespace tunelab
