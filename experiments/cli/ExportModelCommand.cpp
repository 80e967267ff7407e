#include "experiments/cli/ExportModelCommand.h"

#include <optional>
#include <ostream>
#include <sstream>

#include "core/Error.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/export/OnnxExport.h"
#include "experiments/files/ModelFile.h"
#include "experiments/files/OutputFile.h"
#include "experiments/objective/LoadedModel.h"
#include "plugins/PluginHost.h"

namespace tunelab {

namespace {

std::filesystem::path outputPath(const ExportModelArguments& args) {
  if (!args.output.empty()) return args.output;
  return std::filesystem::path(args.model).replace_extension(".onnx");
}

bool sameFile(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec);
}

// The model as ONNX bytes; prints why and returns nothing when it cannot be read or exported.
std::optional<std::string> exportedBytes(const ExportModelArguments& args,
                                         const PluginHost& plugins, std::ostream& err) {
  const std::string file = args.model.string();
  try {
    const LoadedModel model(loadModel(args.model), plugins, args.model);
    std::ostringstream bytes;
    exportOnnx(model, bytes);
    return std::move(bytes).str();
  } catch (const ConfigError& e) {
    err << "error: " << file << ": " << e.keyPath() << ": " << e.detail() << "\n";
  } catch (const DataError& e) {
    err << "error: " << e.what() << "\n";  // names the file already
  } catch (const Error& e) {
    err << "error: " << file << ": cannot export to ONNX: " << e.what() << "\n";
  }
  return std::nullopt;
}

}  // namespace

int runExportModel(const ExportModelArguments& args, std::ostream& out, std::ostream& err) {
  PluginHost plugins;  // before everything a plugin creates, so it is destroyed last
  plugins.loadDirectories(PluginHost::searchPath(args.pluginDirs));
  const std::filesystem::path output = outputPath(args);
  if (output != "-" && sameFile(output, args.model)) {
    err << "error: " << output.string() << " is the model itself; name another output file\n";
    return kExitBadInput;
  }
  std::optional<std::string> bytes;
  try {
    bytes = exportedBytes(args, plugins, err);
  } catch (const std::exception& e) {  // a plugin's, said while it is loaded
    err << "internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  if (!bytes) return kExitBadInput;
  try {
    if (writeOutputFile(output, *bytes, out) == WrittenTo::StandardOutput) return kExitOk;
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitOutput;
  }
  out << "Wrote " << output.string() << " (ONNX opset " << kOnnxOpset << ")\n"
      << describeOnnxInterface(*bytes);
  return kExitOk;
}

}  // namespace tunelab
