#include "core/layers/Dropout.h"

#include <cmath>
#include <sstream>

#include "core/MatrixCopy.h"
#include "core/Options.h"

namespace tunelab {

Dropout::Dropout(const nlohmann::json& options) {
  Options o(options, "a dropout layer");
  rate_ = static_cast<float>(o.number("rate", {.min = 0, .max = 1, .maxExclusive = true}));
  o.finish();
  // Masks use 16 random bits per element (four per 64-bit draw): a rate resolution of 1/65536.
  keepThreshold_ = static_cast<std::uint32_t>(std::lround(static_cast<double>(rate_) * 65536.0));
  scale_ = 1.0F / (1.0F - rate_);
}

Dropout::~Dropout() = default;

void Dropout::forward(LayerContext& ctx, ConstMatrixView in, MatrixView out) {
  masked_ = ctx.training && rate_ > 0.0F;
  if (!masked_) {
    copyView(in, out);
    return;
  }
  bits_.resize(in.rows * in.cols);
  ctx.rng.fill16(bits_);
  applyMask(in, out);
}

void Dropout::backward(LayerContext& /*ctx*/, ConstMatrixView /*in*/, ConstMatrixView /*out*/,
                       ConstMatrixView dOut, MatrixView dIn) {
  if (dIn.data == nullptr) return;
  if (masked_) {
    applyMask(dOut, dIn);
    return;
  }
  copyView(dOut, dIn);
}

// to = from .* mask, the mask a random word per element: scale where it is at least the
// threshold, else 0. The same in both passes, so forward and backward cannot disagree.
void Dropout::applyMask(ConstMatrixView from, MatrixView to) const {
  const std::uint32_t threshold = keepThreshold_;  // locals: the stores to `to` may alias members
  const float scale = scale_;
  for (std::size_t r = 0; r < from.rows; ++r) {
    const std::uint16_t* bits = bits_.data() + r * from.cols;
    const float* x = from.data + r * from.stride;
    float* y = to.data + r * to.stride;
    for (std::size_t c = 0; c < from.cols; ++c) y[c] = x[c] * (bits[c] >= threshold ? scale : 0.0F);
  }
}

std::string Dropout::describe() const {
  std::ostringstream s;
  s << "rate " << rate_;
  return s.str();
}

}  // namespace tunelab
