#include "core/layers/ActivationLayer.h"

#include "core/Options.h"

namespace tunelab {

ActivationLayer::ActivationLayer(const nlohmann::json& options) {
  Options o(options, "an activation layer");
  activation_ = parseActivation(o.string("activation"));
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
