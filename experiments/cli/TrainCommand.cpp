#include "experiments/cli/TrainCommand.h"

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <thread>

#include "core/Error.h"
#include "core/Trainer.h"
#include "core/data/PrepareData.h"
#include "experiments/cli/AutoExecution.h"
#include "experiments/cli/CommandSteps.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/config/ExperimentSpec.h"
#include "experiments/config/Overrides.h"
#include "experiments/config/YamlDocument.h"
#include "experiments/files/AtomicFile.h"
#include "experiments/files/ModelFile.h"
#include "experiments/objective/ExperimentData.h"
#include "experiments/objective/ModelTraining.h"
#include "experiments/report/HistoryCsv.h"
#include "experiments/report/TrainReport.h"
#include "plugins/PluginHost.h"

namespace tunelab {

namespace {

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

namespace {

// Each step prints what went wrong and returns an exit code, or nothing when training goes on.
using Failure = std::optional<int>;

struct TrainRun {
  TrainRun(const TrainArguments& a, std::ostream& o, std::ostream& e) : args(a), out(o), err(e) {}
  const TrainArguments& args;
  std::ostream& out;
  std::ostream& err;
  PluginHost plugins;  // before everything a plugin creates, so it is destroyed after all of it
  std::optional<YamlDocument> document;
  SingleTraining single;
  std::optional<PreparedData> data;
  TrainedModel model;
};

Failure readExperiment(TrainRun& run) {
  return readExperimentFile(
      run.args.experiment, run.args.overrides, run.document, run.err, [&](const YamlDocument& d) {
        run.single = parseSingleTraining(d);
        if (run.single.training.validationFolds > 0) {
          throw ConfigError("train.validation.kfold",
                            "k-fold scoring compares the trials of a study: use tunelab run "
                            "(tunelab train trains one model on the validation split)");
        }
      });
}

Failure loadPlugins(TrainRun& run) {
  loadPluginsWarning(run.plugins, run.args.pluginDirs, run.err);
  if (run.single.execution.backends.front() == kAutoBackend) return std::nullopt;
  return checkBackends(run.plugins, {run.single.execution.backends.front()}, *run.document,
                       run.err);
}

// `auto` backend and threads, measured on this model (or the cached verdict).
Failure planTraining(TrainRun& run) {
  ExecutionSpec& execution = run.single.execution;
  const nlohmann::json model = run.single.bound.value("model", nlohmann::json());
  const ModelProbe probe{run.single.training, model, run.data->train, run.plugins};
  try {
    if (execution.backends.front() == kAutoBackend) {
      const BackendChoice choice = pickAutoBackend(probe);
      execution.backends = {choice.backend};
      run.out << describeChoice(choice) << "\n";
    }
    if (execution.threadsPerTrial == 0) {
      const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
      const ThreadsChoice threads = pickAutoThreads(probe, execution.backends.front(), cores);
      execution.threadsPerTrial = threads.threads;
      if (auto line = describeThreads(threads); !line.empty()) run.out << line << "\n";
    }
  } catch (const ConfigError& e) {
    run.err << "error: " << run.document->describe(e) << "\n";
    return kExitBadInput;
  }
  return std::nullopt;
}

Failure train(TrainRun& run) {
  const ExecutionSpec& execution = run.single.execution;
  TrainingSetup setup{execution.backends.front(), execution.seed,
                      std::max(1, execution.threadsPerTrial)};
  setup.modelName = run.single.name;
  setup.onModelBuilt = [&](const std::string& summary) { run.out << summary << std::flush; };
  const int epochs = run.single.training.fit.epochs;
  const PreparedData& data = *run.data;
  try {
    run.model =
        trainModel(run.single.training, run.plugins, {data.train, &data.validation, &data.test},
                   setup, [&](const EpochRecord& record) {
                     if (!run.args.quiet) {
                       run.out << "Epoch " << record.epoch << "/" << epochs << " - " << std::fixed
                               << std::setprecision(2) << record.seconds << "s"
                               << formatValues(record.values) << "\n"
                               << std::flush;
                     }
                     return true;
                   });
  } catch (const ConfigError& e) {
    run.err << "error: " << run.document->describe(e) << "\n";
    return kExitBadInput;
  }
  return std::nullopt;
}

Failure writeOutputs(TrainRun& run, const std::filesystem::path& outputDir) {
  try {
    writeHistoryCsv(outputDir / "history.csv", run.model.fit.history);
    writeFileAtomically(outputDir / "summary.txt", run.model.summary);
    writeFileAtomically(outputDir / "report.html",
                        renderTrainReport({run.single.name, run.single.execution.backends.front(),
                                           run.model.summary, &run.model.fit, run.model.test}));
    if (!run.model.weights) return std::nullopt;
    SavedModel saved;
    saved.experiment = savedExperiment(run.single.bound);
    saved.preprocessor = run.data->preprocessor;
    saved.params = run.model.weights->params;
    saved.state = run.model.weights->state;
    saved.info = {{"trained_by", "tunelab train"},
                  {"experiment_file", run.args.experiment.string()},
                  {"epochs", run.model.fit.history.size()},
                  {"best_epoch", run.model.fit.bestEpoch},
                  {"backend", run.single.execution.backends.front()}};
    saveModel(outputDir / "model.tunelab", saved);
  } catch (const Error& e) {
    run.err << "error: " << e.what() << "\n";
    return kExitOutput;
  }
  return std::nullopt;
}

void printResult(const TrainRun& run) {
  const FitResult& fit = run.model.fit;
  run.out << "Training " << fitStatusName(fit.status) << " after " << fit.history.size()
          << " epochs";
  if (!fit.message.empty()) run.out << ": " << fit.message;
  run.out << "\n";
  if (!run.model.test.empty()) run.out << "Test:" << formatValues(run.model.test) << "\n";
}

}  // namespace

namespace {

int trainSteps(TrainRun& run, TrainReport* report) {
  const TrainArguments& args = run.args;
  std::ostream& out = run.out;
  std::ostream& err = run.err;
  if (auto failed = readExperiment(run)) return *failed;
  if (auto failed = loadPlugins(run)) return *failed;
  run.data = prepareExperimentData(run.single.training.data, args.dataDirs,
                                   run.single.execution.seed, *run.document, err);
  if (!run.data) return kExitBadInput;
  out << describeData(*run.data);
  if (auto failed = planTraining(run)) return *failed;
  if (auto failed = train(run)) return *failed;
  printResult(run);
  const auto outputDir =
      args.output.empty() ? std::filesystem::path("runs") / run.single.name : args.output;
  if (auto failed = writeOutputs(run, outputDir)) return *failed;
  if (report != nullptr) *report = {run.model.fit, run.model.test};
  out << "History written to " << (outputDir / "history.csv").string() << ", the report to "
      << (outputDir / "report.html").string();
  if (run.model.weights) out << ", the model to " << (outputDir / "model.tunelab").string();
  out << "\n";
  return run.model.fit.status == FitStatus::Diverged ? kExitDiverged : kExitOk;
}

}  // namespace

int runTrain(const TrainArguments& args, std::ostream& out, std::ostream& err,
             TrainReport* report) {
  TrainRun run{args, out, err};
  // Said while the plugins are loaded (a plugin's exception lives in its code; see runStudy).
  try {
    return trainSteps(run, report);
  } catch (const std::exception& e) {
    err << "internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}

}  // namespace tunelab
