#include "core/Layer.h"

#include "core/Error.h"

namespace tunelab {

Layer::~Layer() = default;

std::size_t Layer::parameterCount(const Shape& /*input*/) const { return 0; }
std::size_t Layer::stateCount(const Shape& /*input*/) const { return 0; }
std::vector<ParameterTensor> Layer::parameterTensors(const Shape& /*input*/) const { return {}; }
void Layer::bind(const Shape& /*input*/, const LayerBuffers& /*buffers*/) {}
void Layer::initialize(Rng& /*rng*/) {}
double Layer::regularizationPenalty() const { return 0.0; }
void Layer::applyConstraints() {}
bool Layer::passesThrough(bool /*training*/) const { return false; }
std::optional<Activation> Layer::finalActivation() const { return std::nullopt; }
void Layer::removeFinalActivation() {
  throw Error("layer '" + std::string(type()) + "' applies no activation to remove");
}
std::string Layer::describe() const { return {}; }

}  // namespace tunelab
