#pragma once

#include <cassert>
#include <cstddef>
#include <span>
#include <vector>

#include "core/TrackedMemory.h"

namespace tunelab {

/// A read-only row-major float32 matrix that someone else owns. stride >= cols.
struct ConstMatrixView {
  const float* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::size_t stride = 0;

  ConstMatrixView() = default;
  ConstMatrixView(const float* d, std::size_t r, std::size_t c)
      : data(d), rows(r), cols(c), stride(c) {}
  ConstMatrixView(const float* d, std::size_t r, std::size_t c, std::size_t s)
      : data(d), rows(r), cols(c), stride(s) {}

  const float& operator()(std::size_t r, std::size_t c) const {
    assert(r < rows && c < cols);
    return data[r * stride + c];
  }
  std::span<const float> row(std::size_t r) const { return {data + r * stride, cols}; }
  /// Rows [begin, begin + count).
  ConstMatrixView rowRange(std::size_t begin, std::size_t count) const {
    assert(begin + count <= rows);
    return {data + begin * stride, count, cols, stride};
  }
  bool empty() const { return rows == 0 || cols == 0; }
  bool contiguous() const { return stride == cols; }
};

/// A writable row-major float32 matrix that someone else owns. stride >= cols.
struct MatrixView {
  float* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::size_t stride = 0;

  MatrixView() = default;
  MatrixView(float* d, std::size_t r, std::size_t c) : data(d), rows(r), cols(c), stride(c) {}
  MatrixView(float* d, std::size_t r, std::size_t c, std::size_t s)
      : data(d), rows(r), cols(c), stride(s) {}

  float& operator()(std::size_t r, std::size_t c) const {
    assert(r < rows && c < cols);
    return data[r * stride + c];
  }
  std::span<float> row(std::size_t r) const { return {data + r * stride, cols}; }
  MatrixView rowRange(std::size_t begin, std::size_t count) const {
    assert(begin + count <= rows);
    return {data + begin * stride, count, cols, stride};
  }
  bool empty() const { return rows == 0 || cols == 0; }
  bool contiguous() const { return stride == cols; }
  operator ConstMatrixView() const { return {data, rows, cols, stride}; }  // NOLINT
};

/// An owning, contiguous row-major float32 matrix.
class Matrix {
 public:
  Matrix() = default;
  Matrix(std::size_t rows, std::size_t cols, float fill = 0.0F)
      : data_(rows * cols, fill), rows_(rows), cols_(cols) {}

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }

  /// Changes the shape; keeps the memory when it is large enough (contents unspecified).
  void resize(std::size_t rows, std::size_t cols) {
    data_.resize(rows * cols);
    rows_ = rows;
    cols_ = cols;
  }

  float& operator()(std::size_t r, std::size_t c) { return data_[r * cols_ + c]; }
  float operator()(std::size_t r, std::size_t c) const { return data_[r * cols_ + c]; }
  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  std::span<float> values() { return data_; }
  std::span<const float> values() const { return data_; }

  MatrixView view() { return {data_.data(), rows_, cols_}; }
  ConstMatrixView view() const { return {data_.data(), rows_, cols_}; }
  ConstMatrixView cview() const { return {data_.data(), rows_, cols_}; }

 private:
  FloatBuffer data_;
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
};

}  // namespace tunelab
