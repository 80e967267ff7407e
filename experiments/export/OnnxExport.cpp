#include "experiments/export/OnnxExport.h"

#include <onnx/onnx_pb.h>

#include <ostream>

#include "core/Error.h"
#include "core/data/DataSpec.h"
#include "experiments/export/OnnxGraph.h"
#include "experiments/export/OnnxLayers.h"
#include "experiments/export/OnnxPreprocessing.h"
#include "experiments/objective/LoadedModel.h"

namespace tunelab {

namespace {

// Regression outputs come out scaled when the target was; y / scale + offset, as
// TargetScaling::undo.
std::string inTargetUnits(OnnxGraph& graph, const Preprocessor& p, const std::string& y) {
  const TargetScaling scaling = p.targetScaling();
  if (scaling.identity()) return y;
  const std::string unscaled =
      graph.node("Div", "target/unscale",
                 {y, graph.scalar("target/scale", static_cast<float>(scaling.scale))});
  return graph.node(
      "Add", "target/offset",
      {unscaled, graph.scalar("target/offset_value", static_cast<float>(scaling.offset))});
}

void addMetadata(onnx::ModelProto& onnx, const std::string& key, const std::string& value) {
  auto& entry = *onnx.add_metadata_props();
  entry.set_key(key);
  entry.set_value(value);
}

void describe(onnx::ModelProto& onnx, const SavedModel& saved) {
  const Preprocessor& p = saved.preprocessor;
  addMetadata(onnx, "tunelab.task", std::string(taskName(p.task())));
  addMetadata(onnx, "tunelab.target", p.targetName());
  addMetadata(onnx, "tunelab.class_names", nlohmann::json(p.classNames()).dump());
  addMetadata(onnx, "tunelab.numeric_columns", nlohmann::json(numericColumns(p)).dump());
  addMetadata(onnx, "tunelab.info", saved.info.dump());
}

void importOpsets(onnx::ModelProto& onnx) {
  auto& standard = *onnx.add_opset_import();
  standard.set_domain("");
  standard.set_version(kOnnxOpset);
  for (const auto& node : onnx.graph().node()) {
    if (node.domain() == "ai.onnx.ml") {
      auto& ml = *onnx.add_opset_import();
      ml.set_domain("ai.onnx.ml");
      ml.set_version(kOnnxMlOpset);
      return;
    }
  }
}

std::string outputDoc(const Preprocessor& p) {
  switch (p.task()) {
    case TaskKind::Binary:
      return "the probability of class '" + p.classNames().at(1) + "' (the other is '" +
             p.classNames().at(0) + "')";
    case TaskKind::Multiclass:
      return "the probability of each class, in the order of metadata tunelab.class_names";
    case TaskKind::Regression:
      break;
  }
  return "the predicted " + p.targetName() + ", in its own units";
}

std::string valueLine(const char* role, const onnx::ValueInfoProto& value) {
  const auto& tensor = value.type().tensor_type();
  std::string line = std::string("  ") + role + " " + value.name() + ": " +
                     (tensor.elem_type() == onnx::TensorProto::STRING ? "string" : "float32") +
                     " [";
  for (int i = 0; i < tensor.shape().dim_size(); ++i) {
    const auto& dim = tensor.shape().dim(i);
    line += (i > 0 ? ", " : "") +
            (dim.has_dim_param() ? dim.dim_param() : std::to_string(dim.dim_value()));
  }
  return line + "]: " + value.doc_string() + "\n";
}

}  // namespace

std::string describeOnnxInterface(const std::string& serialized) {
  onnx::ModelProto model;
  if (!model.ParseFromString(serialized)) throw Error("not an ONNX model");
  std::string text;
  for (const auto& input : model.graph().input()) text += valueLine("input ", input);
  for (const auto& output : model.graph().output()) text += valueLine("output", output);
  return text;
}

void exportOnnx(const LoadedModel& model, std::ostream& out) {
  const SavedModel& saved = model.saved();
  const Preprocessor& p = saved.preprocessor;
  onnx::ModelProto onnx;
  onnx.set_ir_version(onnx::IR_VERSION);
  onnx.set_producer_name("tunelab");
  onnx.set_producer_version(TUNELAB_VERSION);
  onnx::GraphProto& proto = *onnx.mutable_graph();
  proto.set_name(saved.experiment.value("name", "tunelab_model"));
  OnnxGraph graph(proto);
  const auto markers = parseDataSpec(saved.experiment.at("data")).missingMarkers;
  const std::string x = addPreprocessing(graph, p, markers);
  std::string y = addLayers(graph, model.graph(), model.layerSpecs(), x);
  const bool regression = p.task() == TaskKind::Regression;
  if (regression) y = inTargetUnits(graph, p, y);
  graph.output(regression ? "predictions" : "probabilities", y,
               static_cast<std::int64_t>(model.graph().outputShape().elements()), outputDoc(p));
  importOpsets(onnx);
  describe(onnx, saved);
  if (!onnx.SerializeToOstream(&out)) throw Error("the ONNX model could not be written");
}

}  // namespace tunelab
