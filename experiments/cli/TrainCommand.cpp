#include "experiments/cli/TrainCommand.h"

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <set>
#include <sstream>

#include "core/Error.h"
#include "core/Graph.h"
#include "core/LayerRegistry.h"
#include "core/Loss.h"
#include "core/Trainer.h"
#include "core/data/PrepareData.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/config/ExperimentError.h"
#include "experiments/config/Overrides.h"
#include "experiments/config/ParameterBinding.h"
#include "experiments/config/TrainingSpec.h"
#include "experiments/config/YamlDocument.h"
#include "experiments/files/AtomicFile.h"
#include "experiments/files/ModelFile.h"
#include "experiments/objective/ExperimentData.h"
#include "experiments/report/HistoryCsv.h"
#include "plugins/PluginHost.h"

namespace tunelab {

namespace {

nlohmann::json bindAll(const nlohmann::json& root) {
  return bindExperiment(root, fixedParameterValues(root), true);
}

// Keras order: loss, then the metrics, then the same for validation.
std::string formatValues(const std::map<std::string, double>& values) {
  std::vector<std::pair<std::string, double>> ordered(values.begin(), values.end());
  auto rank = [](const std::string& name) {
    const bool validation = name.rfind("val_", 0) == 0;
    const std::string base = validation ? name.substr(4) : name;
    return (validation ? 2 : 0) + (base == "loss" ? 0 : 1);
  };
  std::stable_sort(ordered.begin(), ordered.end(),
                   [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  std::ostringstream line;
  line << std::fixed << std::setprecision(4);
  for (const auto& [name, value] : ordered) line << " - " << name << ": " << value;
  return line.str();
}

std::string describeData(const PreparedData& data) {
  std::ostringstream s;
  const Dataset& train = data.train;
  s << "Data: " << data.resolvedSource.string() << " (" << taskName(train.task);
  if (!train.classNames.empty()) s << ", " << train.classNames.size() << " classes";
  s << "): train " << train.size() << ", validation " << data.validation.size() << ", test "
    << data.test.size() << " rows; " << train.sampleShape.elements() << " inputs\n";
  return s.str();
}

}  // namespace

int runTrain(const TrainArguments& args, std::ostream& out, std::ostream& err,
             TrainReport* report) {
  std::optional<YamlDocument> document;
  TrainingSpec spec;
  try {
    document = YamlDocument::load(args.experiment);
    applyOverrides(*document, args.overrides);
    spec = parseTrainingSpec(bindAll(document->root()));
    if (spec.validationFolds > 0) {
      throw ConfigError("train.validation.kfold",
                        "k-fold scoring compares the trials of a study: use tunelab run (tunelab "
                        "train trains one model on the validation split)");
    }
  } catch (const ConfigError& e) {
    err << "error: " << document->describe(e) << "\n";
    return kExitBadInput;
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitBadInput;
  }

  // Declared before everything a plugin creates, so it is destroyed after all of it.
  PluginHost plugins;
  plugins.loadDirectories(PluginHost::searchPath(args.pluginDirs));
  for (const auto& problem : plugins.problems()) {
    err << "warning: plugin " << problem.file.string() << " not loaded: " << problem.reason << "\n";
  }
  std::unique_ptr<Backend> backend;
  try {
    backend = plugins.backends().create(spec.backend);
  } catch (const ConfigError& e) {
    err << "error: " << document->locate("execution.backend")
        << ": execution.backend: " << e.detail() << "\n";
    return kExitBadInput;
  }

  auto prepared = prepareExperimentData(spec.data, args.dataDirs, spec.seed, *document, err);
  if (!prepared) return kExitBadInput;
  const PreparedData& data = *prepared;
  out << describeData(data);

  std::unique_ptr<Loss> loss;
  std::optional<Graph> graph;
  try {
    try {
      loss = makeLoss(spec.loss);
    } catch (const ConfigError& e) {
      throw e.withPrefix("model.loss");
    }
    try {
      graph.emplace(spec.layers, data.train.sampleShape, *loss, plugins.layers());
    } catch (const ConfigError& e) {
      throw ConfigError(layerKeyInFile(spec, e.keyPath()), e.detail());
    }
  } catch (const ConfigError& e) {
    err << "error: " << document->describe(e) << "\n";
    return kExitBadInput;
  }
  out << graph->summaryText(spec.name) << std::flush;

  Rng rng(spec.seed);
  graph->initialize(rng);
  FitResult result;
  std::map<std::string, double> test;
  try {
    Trainer trainer(*graph, *backend, *loss, spec.fit, rng);
    const int epochs = spec.fit.epochs;
    result = trainer.fit(data.train, &data.validation, [&](const EpochRecord& record) {
      if (!args.quiet) {
        out << "Epoch " << record.epoch << "/" << epochs << " - " << std::fixed
            << std::setprecision(2) << record.seconds << "s" << formatValues(record.values) << "\n"
            << std::flush;
      }
      return true;
    });
    if (data.test.size() > 0) test = trainer.evaluate(data.test);
  } catch (const ConfigError& e) {
    err << "error: " << document->describe(e.withPrefix("train")) << "\n";
    return kExitBadInput;
  }

  out << "Training " << fitStatusName(result.status) << " after " << result.history.size()
      << " epochs";
  if (!result.message.empty()) out << ": " << result.message;
  out << "\n";
  if (!test.empty()) out << "Test:" << formatValues(test) << "\n";

  const auto outputDir =
      args.output.empty() ? std::filesystem::path("runs") / spec.name : args.output;
  try {
    writeHistoryCsv(outputDir / "history.csv", result.history);
    writeFileAtomically(outputDir / "summary.txt", graph->summaryText(spec.name));
    SavedModel model;
    model.experiment = savedExperiment(bindAll(document->root()));
    model.preprocessor = data.preprocessor;
    model.params.assign(graph->params().begin(), graph->params().end());
    model.state.assign(graph->state().begin(), graph->state().end());
    model.info = {{"trained_by", "tunelab train"},
                  {"experiment_file", args.experiment.string()},
                  {"epochs", result.history.size()},
                  {"best_epoch", result.bestEpoch}};
    saveModel(outputDir / "model.tunelab", model);
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitOutput;
  }
  if (report != nullptr) *report = {result, test};
  out << "History written to " << (outputDir / "history.csv").string() << ", the model to "
      << (outputDir / "model.tunelab").string() << "\n";
  return result.status == FitStatus::Diverged ? kExitDiverged : kExitOk;
}

}  // namespace tunelab
