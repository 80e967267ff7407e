#include "core/layers/ActivationLayer.h"

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

ActivationLayer::ActivationLayer(const nlohmann::json& options) {
  Options o(options, "an activation layer");
  const nlohmann::json& spec = o.raw("activation");
  if (spec.is_null()) {
    o.checkNotMisspelled("activation");
    throw ConfigError("activation", "is required for an activation layer");
  }
  activation_ = withKeyPrefix("activation", [&] { return parseActivation(spec); });
  o.finish();
}

ActivationLayer::~ActivationLayer() = default;

void ActivationLayer::forward(LayerContext& /*ctx*/, ConstMatrixView in, MatrixView out) {
  applyActivation(activation_, in, out);
}

void ActivationLayer::backward(LayerContext& ctx, ConstMatrixView in, ConstMatrixView out,
                               ConstMatrixView dOut, MatrixView dIn) {
  if (dIn.data == nullptr) return;
  ctx.backend.activationBackward(activation_, in, out, dOut, dIn);
}

}  // namespace tunelab
