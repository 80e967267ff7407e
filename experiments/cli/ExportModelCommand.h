#pragma once

#include <filesystem>
#include <iosfwd>
#include <vector>

namespace tunelab {

struct ExportModelArguments {
  std::filesystem::path model;                    // model.tunelab / best_model.tunelab
  std::filesystem::path output;                   // --output; "-" is standard output; default
                                                  // the model's path with .onnx
  std::vector<std::filesystem::path> pluginDirs;  // --plugin-dir (a plugin layer's model)
};

/// `tunelab export-model model.tunelab -o model.onnx`: the saved model, with its
/// preprocessing and output decoding, as an ONNX graph (experiments/export/OnnxExport.h).
/// Says which inputs and output the graph has. `out` takes the ONNX bytes for "-".
int runExportModel(const ExportModelArguments& args, std::ostream& out, std::ostream& err);

}  // namespace tunelab
