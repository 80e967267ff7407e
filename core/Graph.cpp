#include "core/Graph.h"

#include <algorithm>
#include <cctype>
#include <iomanip>
#include <map>
#include <sstream>

#include "core/Error.h"
#include "core/MatrixCopy.h"

namespace tunelab {

namespace {

std::string layerKey(std::size_t i) { return "layers[" + std::to_string(i) + "]"; }

// "batch_normalization" -> "BatchNormalization", as Keras names layer classes.
std::string className(std::string_view type) {
  std::string out;
  bool upper = true;
  for (char c : type) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

std::string withThousands(std::size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

Graph::Graph(const std::vector<LayerSpec>& layers, const Shape& input, const Loss& loss,
             const LayerRegistry& registry)
    : input_(input) {
  if (layers.empty()) throw ConfigError("layers", "the model needs at least one layer");
  if (input.elements() == 0) throw ConfigError("layers", "the input has no features");
  shapes_.push_back(input);
  std::size_t paramCount = 0;
  std::size_t stateCount = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    try {
      auto layer = registry.create(layers[i].type, layers[i].options);
      shapes_.push_back(layer->outputShape(shapes_.back()));
      paramOffsets_.push_back(paramCount);
      stateOffsets_.push_back(stateCount);
      paramCount += layer->parameterCount(shapes_[i]);
      stateCount += layer->stateCount(shapes_[i]);
      layers_.push_back(std::move(layer));
    } catch (const ConfigError& e) {
      throw e.withPrefix(layerKey(i));
    }
  }
  paramOffsets_.push_back(paramCount);
  stateOffsets_.push_back(stateCount);
  markSkippable();

  Layer& last = *layers_.back();
  const Activation lastActivation = last.finalActivation().value_or(Activation{});
  try {
    loss.checkOutput(shapes_.back().elements(), lastActivation);
  } catch (const ConfigError& e) {
    throw e.withPrefix(layerKey(layers_.size() - 1));
  }
  if (auto fused = loss.fusedActivation(); fused && last.finalActivation()) {
    outputActivation_ = lastActivation;
    last.removeFinalActivation();
  }

  params_.assign(paramCount, 0.0F);
  grads_.assign(paramCount, 0.0F);
  state_.assign(stateCount, 0.0F);
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const std::size_t p = paramOffsets_[i];
    const std::size_t pn = paramOffsets_[i + 1] - p;
    const std::size_t s = stateOffsets_[i];
    const std::size_t sn = stateOffsets_[i + 1] - s;
    layers_[i]->bind(shapes_[i], LayerBuffers{std::span(params_).subspan(p, pn),
                                              std::span(grads_).subspan(p, pn),
                                              std::span(state_).subspan(s, sn)});
  }
}

// A layer's claim to pass its input through is honoured only where skipping it cannot change
// anything else: no parameters or state, as many outputs as inputs, not the last layer.
void Graph::markSkippable() {
  skippable_.assign(layers_.size(), 0);
  for (std::size_t i = 0; i + 1 < layers_.size(); ++i) {
    const bool noBuffers =
        paramOffsets_[i + 1] == paramOffsets_[i] && stateOffsets_[i + 1] == stateOffsets_[i];
    skippable_[i] = noBuffers && shapes_[i].elements() == shapes_[i + 1].elements() ? 1 : 0;
  }
}

Graph::~Graph() = default;
Graph::Graph(Graph&&) noexcept = default;
Graph& Graph::operator=(Graph&&) noexcept = default;

void Graph::initialize(Rng& rng) {
  for (auto& layer : layers_) layer->initialize(rng);
}

// The buffers keep the largest batch seen, and a smaller batch uses their first rows: growing
// them back after every epoch's last batch or evaluation would zero-fill them each time.
void Graph::ensureActivations(std::size_t batch) {
  if (batch == batch_ && outputs_.size() == layers_.size()) return;
  outputs_.resize(layers_.size());
  gradients_.resize(layers_.size());
  inputs_.resize(layers_.size());
  skipped_.resize(layers_.size(), 0);
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    if (outputs_[i].rows() < batch) outputs_[i].resize(batch, shapes_[i + 1].elements());
    if (i > 0 && gradients_[i].rows() < batch) gradients_[i].resize(batch, shapes_[i].elements());
  }
  batch_ = batch;
}

MatrixView Graph::output(std::size_t layer) { return outputs_[layer].view().rowRange(0, batch_); }

MatrixView Graph::inputGradient(std::size_t layer) {
  return layer == 0 ? MatrixView{} : gradients_[layer].view().rowRange(0, batch_);
}

// A layer that passes its input through in this mode is skipped: the next layer reads its
// input (the last layer always runs, so the output is the graph's own buffer).
ConstMatrixView Graph::forward(LayerContext& ctx, ConstMatrixView x) {
  ensureActivations(x.rows);
  ConstMatrixView in = x;
  firstRun_ = layers_.size();
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    inputs_[i] = in;
    skipped_[i] = skippable_[i] != 0 && layers_[i]->passesThrough(ctx.training) ? 1 : 0;
    if (skipped_[i] != 0) continue;
    firstRun_ = std::min(firstRun_, i);
    const MatrixView out = output(i);
    layers_[i]->forward(ctx, in, out);
    in = out;
  }
  return in;
}

// The layers' inputs and skips are those of the forward pass just before.
void Graph::backward(LayerContext& ctx, ConstMatrixView x, ConstMatrixView dOutput) {
  ConstMatrixView dOut = dOutput;
  for (std::size_t i = layers_.size(); i-- > 0;) {
    if (skipped_[i] != 0) continue;  // its dIn is dOut
    const ConstMatrixView in = i == 0 ? x : inputs_[i];
    const MatrixView dIn = i == firstRun_ ? MatrixView{} : inputGradient(i);  // none below uses it
    layers_[i]->backward(ctx, in, output(i), dOut, dIn);
    dOut = dIn;
  }
}

void Graph::applyOutputActivation(MatrixView logits) const {
  if (outputActivation_) applyActivation(*outputActivation_, logits, logits);
}

Matrix Graph::predict(Backend& backend, Rng& rng, ConstMatrixView x, std::size_t batchSize) {
  Matrix out(x.rows, outputShape().elements());
  LayerContext ctx{backend, rng, false};
  for (std::size_t begin = 0; begin < x.rows; begin += batchSize) {
    const std::size_t count = std::min(batchSize, x.rows - begin);
    const ConstMatrixView y = forward(ctx, x.rowRange(begin, count));
    copyView(y, out.view().rowRange(begin, count));
  }
  applyOutputActivation(out.view());
  return out;
}

double Graph::regularizationPenalty() const {
  double sum = 0.0;
  for (const auto& layer : layers_) sum += layer->regularizationPenalty();
  return sum;
}

void Graph::applyConstraints() {
  for (auto& layer : layers_) layer->applyConstraints();
}

std::vector<std::size_t> Graph::tensorBounds() const {
  std::vector<std::size_t> bounds;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    for (const auto& tensor : layers_[i]->parameterTensors(shapes_[i])) {
      bounds.push_back(paramOffsets_[i] + tensor.offset);
    }
  }
  bounds.push_back(params_.size());
  return bounds;
}

std::vector<LayerSummary> Graph::summary() const {
  std::vector<LayerSummary> rows;
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    std::string type(layers_[i]->type());
    const int n = seen[type]++;
    rows.push_back({n == 0 ? type : type + "_" + std::to_string(n), type, shapes_[i + 1],
                    paramOffsets_[i + 1] - paramOffsets_[i],
                    stateOffsets_[i + 1] - stateOffsets_[i]});
  }
  return rows;
}

std::string Graph::summaryText(const std::string& modelName) const {
  std::ostringstream out;
  const std::string thin(65, '_');
  const std::string thick(65, '=');
  out << "Model: \"" << modelName << "\"\n" << thin << "\n";
  out << std::left << " " << std::setw(28) << "Layer (type)" << std::setw(26) << "Output Shape"
      << "Param #\n"
      << thick << "\n";
  std::size_t trainable = 0;
  std::size_t nonTrainable = 0;
  const auto rows = summary();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    out << " " << std::setw(28) << (row.name + " (" + className(row.type) + ")") << std::setw(26)
        << row.outputShape.toString() << withThousands(row.trainable + row.nonTrainable) << "\n";
    if (i + 1 < rows.size()) out << "\n";
    trainable += row.trainable;
    nonTrainable += row.nonTrainable;
  }
  out << thick << "\n";
  out << "Total params: " << withThousands(trainable + nonTrainable) << "\n";
  out << "Trainable params: " << withThousands(trainable) << "\n";
  out << "Non-trainable params: " << withThousands(nonTrainable) << "\n" << thin << "\n";
  return out.str();
}

}  // namespace tunelab
