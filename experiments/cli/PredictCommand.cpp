#include "experiments/cli/PredictCommand.h"

#include <charconv>
#include <iomanip>
#include <numeric>
#include <ostream>
#include <sstream>

#include "core/Error.h"
#include "core/Graph.h"
#include "core/Loss.h"
#include "core/Trainer.h"
#include "core/data/CsvReader.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/config/TrainingSpec.h"
#include "experiments/files/AtomicFile.h"
#include "experiments/files/ModelFile.h"
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

int runPredict(const PredictArguments& args, std::ostream& out, std::ostream& err) {
  PluginHost plugins;  // before everything a plugin creates, so it is destroyed last
  plugins.loadDirectories(PluginHost::searchPath(args.pluginDirs));
  SavedModel model;
  Table table;
  try {
    model = loadModel(args.model);
    if (model.preprocessor.sampleShape().dims.size() > 1) {
      throw DataError(args.model.string() +
                      ": this model was trained on images; tunelab predict reads CSV files");
    }
    const DataSpec data = parseDataSpec(model.experiment.at("data"));
    CsvOptions csv;
    csv.delimiter = data.delimiter;
    csv.missingMarkers = data.missingMarkers;
    csv.columnTypes = data.columnTypes;
    table = readCsv(args.data, csv);
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitBadInput;
  }

  Matrix outputs;
  std::map<std::string, double> scores;
  try {
    const TrainingSpec spec = parseTrainingSpec(model.experiment);
    const auto loss = makeLoss(spec.loss);
    Graph graph(spec.layers, model.preprocessor.sampleShape(), *loss, plugins.layers());
    if (graph.params().size() != model.params.size() ||
        graph.state().size() != model.state.size()) {
      throw DataError(args.model.string() + ": its weights (" +
                      std::to_string(model.params.size()) + ") do not fit its layers (" +
                      std::to_string(graph.params().size()) + " parameters)");
    }
    std::copy(model.params.begin(), model.params.end(), graph.params().begin());
    std::copy(model.state.begin(), model.state.end(), graph.state().begin());
    const auto backend = plugins.backends().create("reference");
    Trainer trainer(graph, *backend, *loss, spec.fit, Rng(0));
    const Matrix x = model.preprocessor.transformFeatures(table);
    outputs = trainer.predict(x.cview());
    if (model.preprocessor.task() == TaskKind::Regression)
      model.preprocessor.inverseTargets(outputs.view());
    // A file that also has the labels: how well the model does on it.
    if (table.find(model.preprocessor.targetName()) != static_cast<std::size_t>(-1)) {
      std::vector<std::uint32_t> rows(table.rows());
      std::iota(rows.begin(), rows.end(), 0U);
      Dataset labelled;
      labelled.x = x;
      labelled.y = model.preprocessor.encodeTargets(table, rows);
      labelled.sampleShape = model.preprocessor.sampleShape();
      labelled.task = model.preprocessor.task();
      labelled.classNames = model.preprocessor.classNames();
      labelled.targetName = model.preprocessor.targetName();
      scores = trainer.evaluate(labelled);
    }
  } catch (const ConfigError& e) {
    err << "error: " << args.model.string() << ": " << e.keyPath() << ": " << e.detail() << "\n";
    return kExitBadInput;
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitBadInput;
  }

  const auto output = args.output.empty() ? std::filesystem::path("predictions.csv") : args.output;
  try {
    writeFileAtomically(output, predictionsCsv(model.preprocessor, outputs));
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitOutput;
  }
  out << "Wrote " << outputs.rows() << " predictions to " << output.string() << "\n";
  if (!scores.empty()) {
    out << "On the " << model.preprocessor.targetName() << " column of " << args.data.string()
        << ":";
    for (const auto& [name, value] : scores)
      out << " " << name << " " << std::setprecision(4) << value;
    out << "\n";
  }
  return kExitOk;
}

}  // namespace tunelab
