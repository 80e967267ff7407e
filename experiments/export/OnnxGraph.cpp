#include "experiments/export/OnnxGraph.h"

#include <algorithm>

namespace tunelab {

std::string OnnxGraph::unique(const std::string& name) {
  std::string candidate = name;
  for (int n = 1; std::find(used_.begin(), used_.end(), candidate) != used_.end(); ++n) {
    candidate = name + "_" + std::to_string(n);
  }
  used_.push_back(candidate);
  return candidate;
}

namespace {

// [batch, dims...], the batch dimension dynamic.
void setBatchType(onnx::ValueInfoProto& value, onnx::TensorProto::DataType type,
                  const std::vector<std::int64_t>& dims) {
  onnx::TypeProto::Tensor& tensor = *value.mutable_type()->mutable_tensor_type();
  tensor.set_elem_type(type);
  tensor.mutable_shape()->add_dim()->set_dim_param("batch");
  for (const std::int64_t d : dims) tensor.mutable_shape()->add_dim()->set_dim_value(d);
}

}  // namespace

std::string OnnxGraph::input(const std::string& name, onnx::TensorProto::DataType type,
                             std::int64_t columns, const std::string& doc) {
  onnx::ValueInfoProto& value = *graph_.add_input();
  value.set_name(unique(name));
  value.set_doc_string(doc);
  setBatchType(value, type, {columns});
  return value.name();
}

void OnnxGraph::output(const std::string& name, const std::string& value, std::int64_t columns,
                       const std::string& doc) {
  const std::string named = value == name ? value : node("Identity", name, {value});
  onnx::ValueInfoProto& info = *graph_.add_output();
  info.set_name(named);
  info.set_doc_string(doc);
  setBatchType(info, onnx::TensorProto::FLOAT, {columns});
}

std::string OnnxGraph::constant(const std::string& name, const std::vector<std::int64_t>& dims,
                                std::span<const float> values) {
  onnx::TensorProto& tensor = *graph_.add_initializer();
  tensor.set_name(unique(name));
  tensor.set_data_type(onnx::TensorProto::FLOAT);
  for (const std::int64_t d : dims) tensor.add_dims(d);
  tensor.mutable_float_data()->Add(values.begin(), values.end());
  return tensor.name();
}

void OnnxGraph::valueType(const std::string& value, onnx::TensorProto::DataType type,
                          const std::vector<std::int64_t>& dims) {
  onnx::ValueInfoProto& info = *graph_.add_value_info();
  info.set_name(value);
  setBatchType(info, type, dims);
}

std::string OnnxGraph::indices(const std::string& name, const std::vector<std::int64_t>& values) {
  onnx::TensorProto& tensor = *graph_.add_initializer();
  tensor.set_name(unique(name));
  tensor.set_data_type(onnx::TensorProto::INT64);
  tensor.add_dims(static_cast<std::int64_t>(values.size()));
  tensor.mutable_int64_data()->Add(values.begin(), values.end());
  return tensor.name();
}

std::string OnnxGraph::scalar(const std::string& name, float value) {
  return constant(name, {}, std::span<const float>(&value, 1));
}

std::string OnnxGraph::node(const std::string& op, const std::string& name,
                            const std::vector<std::string>& inputs,
                            const std::vector<onnx::AttributeProto>& attributes,
                            const std::string& domain) {
  onnx::NodeProto& node = *graph_.add_node();
  node.set_op_type(op);
  node.set_name(unique(name));
  if (!domain.empty()) node.set_domain(domain);
  for (const auto& input : inputs) node.add_input(input);
  node.add_output(node.name());
  for (const auto& attribute : attributes) *node.add_attribute() = attribute;
  return node.name();
}

onnx::AttributeProto floatAttribute(const std::string& name, float value) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOAT);
  a.set_f(value);
  return a;
}

onnx::AttributeProto intAttribute(const std::string& name, std::int64_t value) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(value);
  return a;
}

onnx::AttributeProto stringsAttribute(const std::string& name,
                                      const std::vector<std::string>& values) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::STRINGS);
  for (const auto& v : values) a.add_strings(v);
  return a;
}

}  // namespace tunelab
