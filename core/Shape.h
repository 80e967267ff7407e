#pragma once

#include <cstddef>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

namespace tunelab {

/// The shape of one sample (the batch dimension is not part of it): {10} for a tabular row,
/// {28, 28} for an image. Layers of an MLP see every sample flattened to elements().
struct Shape {
  std::vector<std::size_t> dims;

  Shape() = default;
  Shape(std::initializer_list<std::size_t> d) : dims(d) {}
  explicit Shape(std::vector<std::size_t> d) : dims(std::move(d)) {}

  std::size_t elements() const {
    return std::accumulate(dims.begin(), dims.end(), std::size_t{1}, std::multiplies<>());
  }
  /// Keras style, with the batch first: "(None, 64)".
  std::string toString() const {
    std::string s = "(None";
    for (auto d : dims) s += ", " + std::to_string(d);
    return s + ")";
  }
  bool operator==(const Shape&) const = default;
};

}  // namespace tunelab
