// Drawing an initializer's values, as keras.initializers computes them.
#include <algorithm>
#include <cmath>
#include <optional>

#include "core/Error.h"
#include "core/Initializer.h"
#include "core/OrthogonalMatrix.h"

namespace tunelab {

namespace {

struct Fans {
  double in = 1.0;
  double out = 1.0;
};

// Keras' compute_fans: a vector's fans are its length; a kernel (..., inputs, units) counts
// its receptive field in both.
Fans kerasFans(const Shape& shape) {
  const auto& d = shape.dims;
  if (d.empty()) return {};
  if (d.size() == 1) return {static_cast<double>(d[0]), static_cast<double>(d[0])};
  double receptive = 1.0;
  for (std::size_t i = 0; i + 2 < d.size(); ++i) receptive *= static_cast<double>(d[i]);
  return {static_cast<double>(d[d.size() - 2]) * receptive,
          static_cast<double>(d.back()) * receptive};
}

// A standard normal re-drawn outside [-2, 2], as Keras' truncated_normal.
double truncatedNormal(Rng& rng) {
  for (;;) {
    const double v = rng.normal();
    if (std::fabs(v) <= 2.0) return v;
  }
}

void fillNormal(std::span<float> values, double mean, double stddev, bool truncated, Rng& rng) {
  for (auto& v : values) {
    const double z = truncated ? truncatedNormal(rng) : rng.normal();
    v = static_cast<float>(mean + stddev * z);
  }
}

void fillUniform(std::span<float> values, double minval, double maxval, Rng& rng) {
  for (auto& v : values) v = static_cast<float>(minval + (maxval - minval) * rng.uniformDouble());
}

void fillVarianceScaling(const Initializer& init, std::span<float> values, const Shape& shape,
                         Rng& rng) {
  const Fans fans = kerasFans(shape);
  double fan = fans.in;
  if (init.mode == FanMode::FanOut) fan = fans.out;
  if (init.mode == FanMode::FanAvg) fan = (fans.in + fans.out) / 2.0;
  const double variance = init.scale / std::max(1.0, fan);
  switch (init.distribution) {
    case ScalingDistribution::Uniform: {
      const double limit = std::sqrt(3.0 * variance);
      for (auto& v : values) v = static_cast<float>(limit * (2.0 * rng.uniformDouble() - 1.0));
      return;
    }
    case ScalingDistribution::UntruncatedNormal:
      fillNormal(values, 0.0, std::sqrt(variance), false, rng);
      return;
    case ScalingDistribution::TruncatedNormal: {
      // Divided by the standard deviation of a unit normal truncated at 2, so that the
      // samples have exactly `variance`.
      constexpr double kTruncatedStd = 0.87962566103423978;
      fillNormal(values, 0.0, std::sqrt(variance) / kTruncatedStd, true, rng);
      return;
    }
  }
}

// gain * eye(rows, cols): ones on the main diagonal also when the kernel is not square.
void fillIdentity(std::span<float> values, std::size_t rows, std::size_t cols, double gain) {
  std::fill(values.begin(), values.end(), 0.0F);
  for (std::size_t i = 0; i < std::min(rows, cols); ++i) {
    values[i * cols + i] = static_cast<float>(gain);
  }
}

std::string dimsText(const Shape& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.dims.size(); ++i) {
    text += (i > 0 ? ", " : "") + std::to_string(shape.dims[i]);
  }
  return text + (shape.dims.size() == 1 ? ",)" : ")");
}

}  // namespace

void initialize(const Initializer& init, std::span<float> values, const Shape& shape, Rng& rng) {
  if (init.needsMatrix() && shape.dims.size() != 2) {
    throw Error("the " + init.name + " initializer needs a 2-D weight, got shape " +
                dimsText(shape));
  }
  std::optional<Rng> ownStream;
  if (init.seed) ownStream.emplace(*init.seed);
  Rng& stream = ownStream ? *ownStream : rng;
  switch (init.kind) {
    case InitializerKind::Constant:
      std::fill(values.begin(), values.end(), static_cast<float>(init.value));
      return;
    case InitializerKind::RandomNormal:
    case InitializerKind::TruncatedNormal:
      fillNormal(values, init.mean, init.stddev, init.kind == InitializerKind::TruncatedNormal,
                 stream);
      return;
    case InitializerKind::RandomUniform:
      fillUniform(values, init.minval, init.maxval, stream);
      return;
    case InitializerKind::VarianceScaling:
      fillVarianceScaling(init, values, shape, stream);
      return;
    case InitializerKind::Orthogonal:
      fillOrthogonal(values, shape.dims[0], shape.dims[1], init.gain, stream);
      return;
    case InitializerKind::Identity:
      fillIdentity(values, shape.dims[0], shape.dims[1], init.gain);
      return;
  }
}

}  // namespace tunelab
