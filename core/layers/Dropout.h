#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/Layer.h"
#include "core/TrackedMemory.h"

namespace tunelab {

/// Keras Dropout (inverted): in training, zeroes each input with probability `rate` and
/// scales the rest by 1 / (1 - rate); at evaluation it is the identity.
class Dropout final : public Layer {
 public:
  explicit Dropout(const nlohmann::json& options);
  ~Dropout() override;

  std::string_view type() const override { return "dropout"; }
  Shape outputShape(const Shape& input) const override { return input; }
  void forward(LayerContext& ctx, ConstMatrixView in, MatrixView out) override;
  void backward(LayerContext& ctx, ConstMatrixView in, ConstMatrixView out, ConstMatrixView dOut,
                MatrixView dIn) override;
  bool passesThrough(bool training) const override { return !training || rate_ == 0.0F; }
  std::string describe() const override;

 private:
  void applyMask(ConstMatrixView from, MatrixView to) const;

  float rate_ = 0.0F;
  std::uint32_t keepThreshold_ = 0;  // keep an element when its 16 random bits are >= this
  float scale_ = 1.0F;
  std::vector<std::uint16_t, TrackedAllocator<std::uint16_t>> bits_;  // the last batch's mask words
  bool masked_ = false;  // whether the last forward applied a mask
};

}  // namespace tunelab
