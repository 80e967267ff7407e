#include "experiments/export/OnnxLayers.h"

#include <span>
#include <string_view>

#include "core/Error.h"
#include "core/Options.h"
#include "experiments/export/OnnxActivation.h"

namespace tunelab {

namespace {

// One layer of the model as the export sees it: its weights and state are slices of the
// Graph's flat buffers.
struct LayerView {
  const Layer& layer;
  const LayerSpec& spec;
  std::string name;  // "dense_1", as the model summary names it
  Shape inputShape;
  std::int64_t inputs = 0;
  std::int64_t outputs = 0;
  std::span<const float> params;
  std::span<const float> state;

  std::span<const float> tensor(const std::string& tensorName) const {
    for (const auto& t : layer.parameterTensors(inputShape)) {
      if (t.name == tensorName) return params.subspan(t.offset, t.size);
    }
    return {};
  }
};

std::string dense(OnnxGraph& graph, const LayerView& l, const std::string& x) {
  const std::string kernel =
      graph.constant(l.name + "/kernel", {l.inputs, l.outputs}, l.tensor("kernel"));
  std::vector<std::string> operands{x, kernel};
  if (const auto bias = l.tensor("bias"); !bias.empty()) {
    operands.push_back(graph.constant(l.name + "/bias", {l.outputs}, bias));
  }
  const std::string y = graph.node("Gemm", l.name + "/gemm", operands);
  return addActivation(graph, l.layer.finalActivation().value_or(Activation{}), l.name, y);
}

// Inference form: y = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta,
// gamma 1 and beta 0 when the layer has none (scale: false, center: false).
std::string batchNormalization(OnnxGraph& graph, const LayerView& l, const std::string& x) {
  const auto n = static_cast<std::size_t>(l.inputs);
  std::vector<float> gamma(n, 1.0F);
  std::vector<float> beta(n, 0.0F);
  if (const auto g = l.tensor("gamma"); !g.empty()) gamma.assign(g.begin(), g.end());
  if (const auto b = l.tensor("beta"); !b.empty()) beta.assign(b.begin(), b.end());
  // The layer validated its options when the model was built; 1e-3 is its default (Keras').
  const auto epsilon = static_cast<float>(l.spec.options.value("epsilon", 1e-3));
  const std::vector<std::int64_t> dims{l.inputs};
  return graph.node("BatchNormalization", l.name + "/batch_normalization",
                    {x, graph.constant(l.name + "/gamma", dims, gamma),
                     graph.constant(l.name + "/beta", dims, beta),
                     graph.constant(l.name + "/moving_mean", dims, l.state.first(n)),
                     graph.constant(l.name + "/moving_variance", dims, l.state.subspan(n, n))},
                    {floatAttribute("epsilon", epsilon)});
}

std::string activation(OnnxGraph& graph, const LayerView& l, const std::string& x) {
  return addActivation(graph, l.layer.finalActivation().value_or(Activation{}), l.name, x);
}

// Dropout is the identity outside training.
std::string dropout(OnnxGraph& /*graph*/, const LayerView& /*l*/, const std::string& x) {
  return x;
}

using LayerExport = std::string (*)(OnnxGraph&, const LayerView&, const std::string&);

struct KnownLayer {
  std::string_view type;
  LayerExport add;
};

constexpr KnownLayer kKnownLayers[] = {
    {"dense", dense},
    {"batch_normalization", batchNormalization},
    {"activation", activation},
    {"dropout", dropout},
};

LayerExport exporterFor(const LayerView& l) {
  std::vector<std::string> known;
  for (const auto& k : kKnownLayers) {
    if (k.type == l.layer.type()) return k.add;
    known.emplace_back(k.type);
  }
  throw Error(l.name + ": ONNX export does not know layers of type '" +
              std::string(l.layer.type()) + "' (it knows " + joinNames(known) + ")");
}

}  // namespace

std::string addLayers(OnnxGraph& graph, const Graph& model, const std::vector<LayerSpec>& specs,
                      const std::string& input) {
  const auto summary = model.summary();
  std::size_t paramOffset = 0;
  std::size_t stateOffset = 0;
  Shape inputShape = model.inputShape();
  std::string x = input;
  for (std::size_t i = 0; i < summary.size(); ++i) {
    const auto& row = summary[i];
    const LayerView view{model.layer(i),
                         specs.at(i),
                         row.name,
                         inputShape,
                         static_cast<std::int64_t>(inputShape.elements()),
                         static_cast<std::int64_t>(row.outputShape.elements()),
                         model.params().subspan(paramOffset, row.trainable),
                         model.state().subspan(stateOffset, row.nonTrainable)};
    x = exporterFor(view)(graph, view, x);
    paramOffset += row.trainable;
    stateOffset += row.nonTrainable;
    inputShape = row.outputShape;
  }
  if (const auto output = model.outputActivation()) {
    x = addActivation(graph, *output, "output", x);
  }
  return x;
}

}  // namespace tunelab
