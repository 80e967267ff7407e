#include "core/layers/BatchNormalization.h"

#include <cmath>
#include <sstream>

#include "core/Options.h"

namespace tunelab {

BatchNormalization::BatchNormalization(const nlohmann::json& options) {
  Options o(options, "a batch_normalization layer");
  momentum_ = static_cast<float>(o.number("momentum", 0.99, {.min = 0, .max = 1}));
  epsilon_ = static_cast<float>(o.number("epsilon", 1e-3, {.min = 0, .minExclusive = true}));
  center_ = o.boolean("center", true);
  scale_ = o.boolean("scale", true);
  o.finish();
}

BatchNormalization::~BatchNormalization() = default;

std::size_t BatchNormalization::parameterCount(const Shape& input) const {
  return input.elements() * ((scale_ ? 1 : 0) + (center_ ? 1 : 0));
}

std::size_t BatchNormalization::stateCount(const Shape& input) const {
  return 2 * input.elements();
}

std::vector<ParameterTensor> BatchNormalization::parameterTensors(const Shape& input) const {
  std::vector<ParameterTensor> tensors;
  const std::size_t n = input.elements();
  if (scale_) tensors.push_back({"gamma", 0, n});
  if (center_) tensors.push_back({"beta", scale_ ? n : 0, n});
  return tensors;
}

void BatchNormalization::bind(const Shape& input, const LayerBuffers& buffers) {
  features_ = input.elements();
  buffers_ = buffers;
}

void BatchNormalization::initialize(Rng& /*rng*/) {
  if (scale_) std::fill_n(buffers_.params.begin(), features_, 1.0F);
  if (center_) std::fill_n(buffers_.params.begin() + (scale_ ? features_ : 0), features_, 0.0F);
  std::fill_n(buffers_.state.begin(), features_, 0.0F);              // moving mean
  std::fill_n(buffers_.state.begin() + features_, features_, 1.0F);  // moving variance
}

void BatchNormalization::forward(LayerContext& ctx, ConstMatrixView in, MatrixView out) {
  const std::size_t n = in.rows;
  const std::size_t f = features_;
  float* movingMean = buffers_.state.data();
  float* movingVar = buffers_.state.data() + f;
  const float* beta = center_ ? buffers_.params.data() + (scale_ ? f : 0) : nullptr;
  trainingPass_ = ctx.training;
  inverseStd_.resize(f);
  std::vector<double> mean(f, 0.0);
  std::vector<double> var(f, 0.0);
  if (ctx.training) {
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t j = 0; j < f; ++j) mean[j] += in(r, j);
    }
    for (std::size_t j = 0; j < f; ++j) mean[j] /= static_cast<double>(n);
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t j = 0; j < f; ++j) {
        const double d = in(r, j) - mean[j];
        var[j] += d * d;
      }
    }
    for (std::size_t j = 0; j < f; ++j) {
      var[j] /= static_cast<double>(n);
      movingMean[j] = momentum_ * movingMean[j] + (1.0F - momentum_) * static_cast<float>(mean[j]);
      movingVar[j] = momentum_ * movingVar[j] + (1.0F - momentum_) * static_cast<float>(var[j]);
    }
  } else {
    for (std::size_t j = 0; j < f; ++j) {
      mean[j] = movingMean[j];
      var[j] = movingVar[j];
    }
  }
  for (std::size_t j = 0; j < f; ++j) {
    inverseStd_[j] = static_cast<float>(1.0 / std::sqrt(var[j] + epsilon_));
  }
  normalized_.resize(n * f);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t j = 0; j < f; ++j) {
      const float xhat = (in(r, j) - static_cast<float>(mean[j])) * inverseStd_[j];
      normalized_[r * f + j] = xhat;
      out(r, j) = gamma(j) * xhat + (beta != nullptr ? beta[j] : 0.0F);
    }
  }
}

void BatchNormalization::backward(LayerContext& /*ctx*/, ConstMatrixView /*in*/,
                                  ConstMatrixView /*out*/, ConstMatrixView dOut, MatrixView dIn) {
  const std::size_t n = dOut.rows;
  const std::size_t f = features_;
  std::vector<double> sumDy(f, 0.0);
  std::vector<double> sumDyXhat(f, 0.0);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t j = 0; j < f; ++j) {
      sumDy[j] += dOut(r, j);
      sumDyXhat[j] += static_cast<double>(dOut(r, j)) * normalized_[r * f + j];
    }
  }
  if (scale_) {
    for (std::size_t j = 0; j < f; ++j) buffers_.grads[j] = static_cast<float>(sumDyXhat[j]);
  }
  if (center_) {
    float* dBeta = buffers_.grads.data() + (scale_ ? f : 0);
    for (std::size_t j = 0; j < f; ++j) dBeta[j] = static_cast<float>(sumDy[j]);
  }
  if (dIn.data == nullptr) return;
  const auto count = static_cast<double>(n);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t j = 0; j < f; ++j) {
      const double g = gamma(j) * static_cast<double>(inverseStd_[j]);
      if (!trainingPass_) {
        dIn(r, j) = static_cast<float>(g * dOut(r, j));
        continue;
      }
      const double xhat = normalized_[r * f + j];
      dIn(r, j) =
          static_cast<float>(g * (dOut(r, j) - sumDy[j] / count - xhat * sumDyXhat[j] / count));
    }
  }
}

std::string BatchNormalization::describe() const {
  std::ostringstream s;
  s << "momentum " << momentum_ << ", epsilon " << epsilon_;
  return s.str();
}

}  // namespace tunelab
