#include "experiments/cli/PredictCommand.h"

#include <charconv>
#include <iomanip>
#include <optional>
#include <ostream>
#include <sstream>

#include "core/Error.h"
#include "core/data/CsvReader.h"
#include "core/data/DataSpec.h"
#include "core/data/PrepareData.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/files/InputFile.h"
#include "experiments/files/ModelFile.h"
#include "experiments/files/OutputFile.h"
#include "experiments/objective/LoadedModel.h"
#include "experiments/report/ResultsTable.h"
#include "plugins/PluginHost.h"

namespace tunelab {

namespace {

std::string number(double v) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return {buffer, end};
}

std::string predictionsCsv(const Preprocessor& p, const Matrix& outputs) {
  std::ostringstream csv;
  const auto& classes = p.classNames();
  const std::string target = p.targetName().empty() ? "prediction" : p.targetName();
  csv << csvField(target);
  if (p.task() == TaskKind::Binary) csv << "," << csvField("probability_" + classes.at(1));
  if (p.task() == TaskKind::Multiclass) {
    for (const auto& c : classes) csv << "," << csvField("probability_" + c);
  }
  csv << "\n";
  for (std::size_t r = 0; r < outputs.rows(); ++r) {
    if (p.task() == TaskKind::Binary) {
      const double probability = outputs(r, 0);
      csv << csvField(classes.at(probability >= 0.5 ? 1 : 0)) << "," << number(probability);
    } else if (p.task() == TaskKind::Multiclass) {
      std::size_t best = 0;
      for (std::size_t c = 1; c < outputs.cols(); ++c) {
        if (outputs(r, c) > outputs(r, best)) best = c;
      }
      csv << csvField(classes.at(best));
      for (std::size_t c = 0; c < outputs.cols(); ++c) csv << "," << number(outputs(r, c));
    } else {
      csv << number(outputs(r, 0));
      for (std::size_t c = 1; c < outputs.cols(); ++c) csv << "," << number(outputs(r, c));
    }
    csv << "\n";
  }
  return csv.str();
}

}  // namespace

namespace {

// The model and the rows to predict; prints why and returns nothing when either cannot be read.
std::optional<std::pair<SavedModel, Table>> readInputs(const PredictArguments& args,
                                                       std::ostream& err) {
  try {
    SavedModel model = loadModel(args.model);
    if (model.preprocessor.sampleShape().dims.size() > 1) {
      throw DataError(args.model.string() +
                      ": this model was trained on images; tunelab predict reads CSV files");
    }
    const DataSpec data = parseDataSpec(model.experiment.at("data"));
    checkInputFile(args.data, "data file (CSV)", InputContent::Text);
    Table table = readCsv(args.data, csvOptionsFor(data));
    return std::make_pair(std::move(model), std::move(table));
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return std::nullopt;
  }
}

void printScores(std::ostream& out, const PredictArguments& args, const std::string& target,
                 const std::map<std::string, double>& scores) {
  out << "On the " << target << " column of " << args.data.string() << ":";
  for (const auto& [name, value] : scores) {
    out << " " << name << " " << std::setprecision(4) << value;
  }
  out << "\n";
}

}  // namespace

int runPredict(const PredictArguments& args, std::ostream& out, std::ostream& err) {
  PluginHost plugins;  // before everything a plugin creates, so it is destroyed last
  plugins.loadDirectories(PluginHost::searchPath(args.pluginDirs));
  auto inputs = readInputs(args, err);
  if (!inputs) return kExitBadInput;
  auto& [saved, table] = *inputs;
  Matrix outputs;
  std::optional<std::map<std::string, double>> scores;
  std::optional<LoadedModel> model;
  try {
    model.emplace(std::move(saved), plugins, args.model);
    outputs = model->predict(table);
    // A file that also has the labels: how well the model does on it.
    scores = model->evaluate(table);
  } catch (const ConfigError& e) {
    err << "error: " << args.model.string() << ": " << e.keyPath() << ": " << e.detail() << "\n";
    return kExitBadInput;
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {  // a plugin's, said while it is loaded
    err << "internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  const Preprocessor& preprocessor = model->saved().preprocessor;
  const auto output = args.output.empty() ? std::filesystem::path("predictions.csv") : args.output;
  WrittenTo written = WrittenTo::File;
  try {
    written = writeOutputFile(output, predictionsCsv(preprocessor, outputs), out);
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitOutput;
  }
  // With the predictions on standard output, what is said about them goes to stderr.
  std::ostream& said = written == WrittenTo::StandardOutput ? err : out;
  said << "Wrote " << outputs.rows() << " predictions to " << output.string() << "\n";
  if (scores) printScores(said, args, preprocessor.targetName(), *scores);
  return kExitOk;
}

}  // namespace tunelab
