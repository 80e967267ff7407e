#include "core/layers/Dense.h"

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

Dense::Dense(const nlohmann::json& options) {
  Options o(options, "a dense layer");
  units_ = static_cast<std::size_t>(o.integer("units", {.min = 1}));
  activation_ = withKeyPrefix("activation", [&] {
    const nlohmann::json& spec = o.raw("activation");
    return parseActivation(spec.is_null() ? nlohmann::json("linear") : spec);
  });
  useBias_ = o.boolean("use_bias", true);
  try {
    kernelInitializer_ =
        parseInitializer(o.raw("kernel_initializer").is_null() ? nlohmann::json("glorot_uniform")
                                                               : o.raw("kernel_initializer"));
  } catch (const ConfigError& e) {
    throw e.withPrefix("kernel_initializer");
  }
  try {
    biasInitializer_ = parseInitializer(
        o.raw("bias_initializer").is_null() ? nlohmann::json("zeros") : o.raw("bias_initializer"));
  } catch (const ConfigError& e) {
    throw e.withPrefix("bias_initializer");
  }
  try {
    kernelRegularizer_ = parseRegularizer(o.raw("kernel_regularizer"));
  } catch (const ConfigError& e) {
    throw e.withPrefix("kernel_regularizer");
  }
  try {
    biasRegularizer_ = parseRegularizer(o.raw("bias_regularizer"));
  } catch (const ConfigError& e) {
    throw e.withPrefix("bias_regularizer");
  }
  o.finish();
}

Dense::~Dense() = default;

Shape Dense::outputShape(const Shape& /*input*/) const { return Shape{units_}; }

std::size_t Dense::parameterCount(const Shape& input) const {
  return input.elements() * units_ + (useBias_ ? units_ : 0);
}

std::vector<ParameterTensor> Dense::parameterTensors(const Shape& input) const {
  std::vector<ParameterTensor> tensors{{"kernel", 0, input.elements() * units_}};
  if (useBias_) tensors.push_back({"bias", input.elements() * units_, units_});
  return tensors;
}

void Dense::bind(const Shape& input, const LayerBuffers& buffers) {
  inputs_ = input.elements();
  buffers_ = buffers;
}

void Dense::initialize(Rng& rng) {
  const std::size_t kernel = inputs_ * units_;
  tunelab::initialize(kernelInitializer_, buffers_.params.first(kernel), inputs_, units_, rng);
  if (useBias_) {
    tunelab::initialize(biasInitializer_, buffers_.params.subspan(kernel, units_), inputs_, units_,
                        rng);
  }
}

void Dense::forward(LayerContext& ctx, ConstMatrixView in, MatrixView out) {
  const ConstMatrixView kernel(buffers_.params.data(), inputs_, units_);
  const std::span<const float> bias =
      useBias_ ? std::span<const float>(buffers_.params.subspan(inputs_ * units_, units_))
               : std::span<const float>();
  if (activationNeedsInput(activation_.kind)) {
    preActivation_.resize(in.rows, units_);
    ctx.backend.denseForward(in, kernel, bias, Activation{}, preActivation_.view());
    applyActivation(activation_, preActivation_.cview(), out);
  } else {
    ctx.backend.denseForward(in, kernel, bias, activation_, out);
  }
}

void Dense::backward(LayerContext& ctx, ConstMatrixView in, ConstMatrixView out,
                     ConstMatrixView dOut, MatrixView dIn) {
  ConstMatrixView dZ = dOut;
  if (activation_.kind != ActivationKind::Linear) {
    dPreActivation_.resize(dOut.rows, units_);
    const ConstMatrixView z =
        activationNeedsInput(activation_.kind) ? preActivation_.cview() : ConstMatrixView{};
    ctx.backend.activationBackward(activation_, z, out, dOut, dPreActivation_.view());
    dZ = dPreActivation_.cview();
  }
  const std::size_t kernelSize = inputs_ * units_;
  const MatrixView dKernel(buffers_.grads.data(), inputs_, units_);
  ctx.backend.gemm(Transpose::Yes, Transpose::No, 1.0F, in, dZ, 0.0F, dKernel);
  if (useBias_) ctx.backend.columnSums(dZ, buffers_.grads.subspan(kernelSize, units_));
  if (dIn.data != nullptr) {
    const ConstMatrixView kernel(buffers_.params.data(), inputs_, units_);
    ctx.backend.gemm(Transpose::No, Transpose::Yes, 1.0F, dZ, kernel, 0.0F, dIn);
  }
  if (kernelRegularizer_.active()) {
    kernelRegularizer_.addGradient(buffers_.params.first(kernelSize),
                                   buffers_.grads.first(kernelSize));
  }
  if (useBias_ && biasRegularizer_.active()) {
    biasRegularizer_.addGradient(buffers_.params.subspan(kernelSize, units_),
                                 buffers_.grads.subspan(kernelSize, units_));
  }
}

double Dense::regularizationPenalty() const {
  const std::size_t kernelSize = inputs_ * units_;
  double penalty = 0.0;
  if (kernelRegularizer_.active())
    penalty += kernelRegularizer_.penalty(buffers_.params.first(kernelSize));
  if (useBias_ && biasRegularizer_.active()) {
    penalty += biasRegularizer_.penalty(buffers_.params.subspan(kernelSize, units_));
  }
  return penalty;
}

std::string Dense::describe() const {
  return std::to_string(units_) + ", " + describeActivation(activation_);
}

}  // namespace tunelab
