#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tunelab {

/// Appends nodes and constant tensors to an ONNX graph under unique names; each node has one
/// output, whose name it returns, so a pipeline reads as a chain of calls.
class OnnxGraph {
 public:
  explicit OnnxGraph(onnx::GraphProto& graph) : graph_(graph) {}

  /// Declares a graph input of shape [batch, columns] (the batch dimension is dynamic, named
  /// "batch"); returns its name, `name` unless that was taken.
  std::string input(const std::string& name, onnx::TensorProto::DataType type, std::int64_t columns,
                    const std::string& doc);
  /// Declares the type of an intermediate value [batch, dims...] (for an operator ONNX's
  /// shape inference does not know, such as 1.12's ai.onnx.ml OneHotEncoder).
  void valueType(const std::string& value, onnx::TensorProto::DataType type,
                 const std::vector<std::int64_t>& dims);
  /// Declares `value` a float32 graph output of shape [batch, columns] named `name` (through
  /// an Identity node when `value` has another name).
  void output(const std::string& name, const std::string& value, std::int64_t columns,
              const std::string& doc);

  /// A float32 initializer of shape `dims` (row-major `values`); returns its name.
  std::string constant(const std::string& name, const std::vector<std::int64_t>& dims,
                       std::span<const float> values);
  /// An int64 initializer of shape [values.size()] (indices).
  std::string indices(const std::string& name, const std::vector<std::int64_t>& values);
  /// A rank-0 float32 initializer.
  std::string scalar(const std::string& name, float value);
  /// A node `op` of `domain` ("" is the standard one); returns its output's name.
  std::string node(const std::string& op, const std::string& name,
                   const std::vector<std::string>& inputs,
                   const std::vector<onnx::AttributeProto>& attributes = {},
                   const std::string& domain = "");

 private:
  std::string unique(const std::string& name);

  onnx::GraphProto& graph_;
  std::vector<std::string> used_;
};

onnx::AttributeProto floatAttribute(const std::string& name, float value);
onnx::AttributeProto intAttribute(const std::string& name, std::int64_t value);
onnx::AttributeProto stringsAttribute(const std::string& name,
                                      const std::vector<std::string>& values);

}  // namespace tunelab
