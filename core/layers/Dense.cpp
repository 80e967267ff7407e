#include "core/layers/Dense.h"

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

namespace {

// Keras refuses orthogonal and identity initializers, and the orthogonal regularizer, on a
// bias: they are defined for 2-D weights.
ConfigError notForABias(const std::string& what) {
  return {"", what + " needs a 2-D weight (a kernel); a bias is 1-D"};
}

Initializer readInitializer(Options& o, const std::string& key, const char* fallback,
                            bool forBias) {
  return withKeyPrefix(key, [&] {
    const nlohmann::json& spec = o.raw(key);
    Initializer init = parseInitializer(spec.is_null() ? nlohmann::json(fallback) : spec);
    if (forBias && init.needsMatrix()) throw notForABias("the " + init.name + " initializer");
    return init;
  });
}

Regularizer readRegularizer(Options& o, const std::string& key, bool forBias) {
  return withKeyPrefix(key, [&] {
    Regularizer r = parseRegularizer(o.raw(key));
    if (forBias && r.needsMatrix()) throw notForABias("orthogonal_regularizer");
    return r;
  });
}

}  // namespace

// The widest dense layer: 65,536 x 65,536 weights are already 16 GiB.
constexpr double kMostDenseUnits = 65'536;

Dense::Dense(const nlohmann::json& options) {
  Options o(options, "a dense layer");
  units_ = static_cast<std::size_t>(o.integer("units", {.min = 1, .max = kMostDenseUnits}));
  activation_ = withKeyPrefix("activation", [&] {
    const nlohmann::json& spec = o.raw("activation");
    return parseActivation(spec.is_null() ? nlohmann::json("linear") : spec);
  });
  useBias_ = o.boolean("use_bias", true);
  kernelInitializer_ = readInitializer(o, "kernel_initializer", "glorot_uniform", false);
  biasInitializer_ = readInitializer(o, "bias_initializer", "zeros", true);
  kernelRegularizer_ = readRegularizer(o, "kernel_regularizer", false);
  biasRegularizer_ = readRegularizer(o, "bias_regularizer", true);
  kernelConstraint_ = withKeyPrefix("kernel_constraint",
                                    [&] { return parseConstraint(o.raw("kernel_constraint"), 2); });
  biasConstraint_ = withKeyPrefix("bias_constraint",
                                  [&] { return parseConstraint(o.raw("bias_constraint"), 1); });
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
  kernelShape_ = Shape{inputs_, units_};
  biasShape_ = Shape{units_};
  buffers_ = buffers;
}

void Dense::initialize(Rng& rng) {
  tunelab::initialize(kernelInitializer_, kernel(), Shape{inputs_, units_}, rng);
  if (useBias_) tunelab::initialize(biasInitializer_, bias(), Shape{units_}, rng);
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
    kernelRegularizer_.addGradient(kernelView(),
                                   MatrixView(buffers_.grads.data(), inputs_, units_));
  }
  if (useBias_ && biasRegularizer_.active()) {
    biasRegularizer_.addGradient(biasView(),
                                 MatrixView(buffers_.grads.data() + kernelSize, 1, units_));
  }
}

double Dense::regularizationPenalty() const {
  double penalty = 0.0;
  if (kernelRegularizer_.active()) penalty += kernelRegularizer_.penalty(kernelView());
  if (useBias_ && biasRegularizer_.active()) {
    penalty += biasRegularizer_.penalty(biasView());
  }
  return penalty;
}

// Runs after every step: the shapes are built once, in bind (a Shape is a heap block).
void Dense::applyConstraints() {
  kernelConstraint_.apply(kernel(), kernelShape_);
  if (useBias_) biasConstraint_.apply(bias(), biasShape_);
}

ConstMatrixView Dense::kernelView() const { return {buffers_.params.data(), inputs_, units_}; }

ConstMatrixView Dense::biasView() const {
  return {buffers_.params.data() + inputs_ * units_, 1, units_};
}

std::span<float> Dense::kernel() { return buffers_.params.first(inputs_ * units_); }

std::span<float> Dense::bias() { return buffers_.params.subspan(inputs_ * units_, units_); }

std::string Dense::describe() const {
  return std::to_string(units_) + ", " + describeActivation(activation_);
}

}  // namespace tunelab
