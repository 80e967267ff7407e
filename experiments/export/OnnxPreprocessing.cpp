#include "experiments/export/OnnxPreprocessing.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "core/Error.h"

namespace tunelab {

namespace {

constexpr const char* kFeatures = "features";

// One input column as the saved preprocessing describes it (Preprocessor::toJson).
struct InputColumn {
  std::string column;
  bool categorical = false;
  float fill = 0.0F;
  std::string fillCategory;
  float offset = 0.0F;
  float scale = 1.0F;
  std::vector<std::string> categories;
};

std::vector<InputColumn> inputColumns(const Preprocessor& preprocessor) {
  const nlohmann::json json = preprocessor.toJson();
  if (json.at("images").get<bool>()) {
    throw Error("the model was trained on images; ONNX export takes models trained on CSV files");
  }
  std::vector<InputColumn> columns;
  for (const auto& in : json.at("inputs")) {
    columns.push_back({in.at("column").get<std::string>(), in.at("categorical").get<bool>(),
                       in.at("fill").get<float>(), in.at("fill_category").get<std::string>(),
                       in.at("offset").get<float>(), in.at("scale").get<float>(),
                       in.at("categories").get<std::vector<std::string>>()});
  }
  return columns;
}

// (where NaN: fill) then (x - offset) * scale, column by column, on the "features" input.
std::string numericBlock(OnnxGraph& graph, const std::vector<InputColumn>& columns) {
  std::vector<float> fill;
  std::vector<float> offset;
  std::vector<float> scale;
  std::string doc = "the numeric columns, in the file's units, NaN where missing:";
  for (const auto& c : columns) {
    if (c.categorical) continue;
    fill.push_back(c.fill);
    offset.push_back(c.offset);
    scale.push_back(c.scale);
    doc += " " + c.column;
  }
  if (fill.empty()) return {};
  const auto n = static_cast<std::int64_t>(fill.size());
  const std::string x = graph.input(kFeatures, onnx::TensorProto::FLOAT, n, doc);
  const std::string missing = graph.node("IsNaN", "impute/is_missing", {x});
  const std::string filled =
      graph.node("Where", "impute", {missing, graph.constant("impute/fill", {n}, fill), x});
  const std::string centred =
      graph.node("Sub", "scale/centre", {filled, graph.constant("scale/offset", {n}, offset)});
  return graph.node("Mul", "scale", {centred, graph.constant("scale/scale", {n}, scale)});
}

// One-hot of a string column over its categories; a missing marker counts as the fill
// category: encoded as an extra category, then folded onto the fill's column by a 0/1 MatMul.
std::string oneHot(OnnxGraph& graph, const InputColumn& c,
                   const std::vector<std::string>& missingMarkers) {
  const std::string x = graph.input(c.column, onnx::TensorProto::STRING, 1,
                                    "the column's text as in the file (one-hot)");
  const auto fill = std::find(c.categories.begin(), c.categories.end(), c.fillCategory);
  std::vector<std::string> cats = c.categories;
  if (fill != c.categories.end()) {
    for (const auto& marker : missingMarkers) {
      if (std::find(cats.begin(), cats.end(), marker) == cats.end()) cats.push_back(marker);
    }
  }
  const std::string name = "one_hot/" + c.column;
  const std::string encoded =
      graph.node("OneHotEncoder", name + "/encode", {x},
                 {stringsAttribute("cats_strings", cats), intAttribute("zeros", 1)}, "ai.onnx.ml");
  graph.valueType(encoded, onnx::TensorProto::FLOAT, {1, static_cast<std::int64_t>(cats.size())});
  std::string flat = graph.node("Flatten", name, {encoded}, {intAttribute("axis", 1)});
  if (cats.size() == c.categories.size()) return flat;
  const std::size_t k = c.categories.size();
  const auto fillIndex = static_cast<std::size_t>(fill - c.categories.begin());
  std::vector<float> fold(cats.size() * k, 0.0F);
  for (std::size_t i = 0; i < cats.size(); ++i) fold[i * k + (i < k ? i : fillIndex)] = 1.0F;
  const std::string matrix =
      graph.constant(name + "/missing_as_fill",
                     {static_cast<std::int64_t>(cats.size()), static_cast<std::int64_t>(k)}, fold);
  return graph.node("MatMul", name + "/fill_missing", {flat, matrix});
}

// The blocks are concatenated numeric first; this puts each feature back where the model
// expects it (the preprocessing's column order).
std::vector<std::int64_t> featureOrder(const std::vector<InputColumn>& columns) {
  std::int64_t numeric = 0;
  for (const auto& c : columns) numeric += c.categorical ? 0 : 1;
  std::vector<std::int64_t> order;
  std::int64_t nextNumeric = 0;
  std::int64_t nextCategorical = numeric;
  for (const auto& c : columns) {
    if (!c.categorical) {
      order.push_back(nextNumeric++);
      continue;
    }
    for (std::size_t i = 0; i < c.categories.size(); ++i) order.push_back(nextCategorical++);
  }
  return order;
}

}  // namespace

std::string addPreprocessing(OnnxGraph& graph, const Preprocessor& preprocessor,
                             const std::vector<std::string>& missingMarkers) {
  const auto columns = inputColumns(preprocessor);
  std::vector<std::string> blocks;
  if (auto numeric = numericBlock(graph, columns); !numeric.empty()) blocks.push_back(numeric);
  for (const auto& c : columns) {
    if (c.categorical) blocks.push_back(oneHot(graph, c, missingMarkers));
  }
  if (blocks.empty()) throw Error("the model has no input columns");
  std::string x = blocks.size() == 1
                      ? blocks.front()
                      : graph.node("Concat", "preprocessed", blocks, {intAttribute("axis", 1)});
  const auto order = featureOrder(columns);
  if (!std::is_sorted(order.begin(), order.end())) {
    x = graph.node("Gather", "preprocessed/in_model_order",
                   {x, graph.indices("preprocessed/order", order)}, {intAttribute("axis", 1)});
  }
  return x;
}

std::vector<std::string> numericColumns(const Preprocessor& preprocessor) {
  std::vector<std::string> names;
  for (const auto& c : inputColumns(preprocessor)) {
    if (!c.categorical) names.push_back(c.column);
  }
  return names;
}

}  // namespace tunelab
