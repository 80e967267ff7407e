#include "experiments/RunCommand.h"

#include <atomic>
#include <csignal>
#include <fstream>
#include <iomanip>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

#include "core/Error.h"
#include "core/data/PrepareData.h"
#include "experiments/AtomicFile.h"
#include "experiments/ExitCode.h"
#include "experiments/ExperimentData.h"
#include "experiments/ModelFile.h"
#include "experiments/Overrides.h"
#include "experiments/ParameterBinding.h"
#include "experiments/TrainingSpec.h"
#include "experiments/YamlDocument.h"
#include "experiments/study/CheckpointCodec.h"
#include "experiments/study/CommandObjective.h"
#include "experiments/study/HtmlReport.h"
#include "experiments/study/ModelObjective.h"
#include "experiments/study/ResultsTable.h"
#include "experiments/study/StudyRunner.h"
#include "experiments/study/StudySpec.h"
#include "experiments/study/StudyStore.h"
#include "plugins/PluginHost.h"

namespace tunelab {

namespace {

std::atomic<bool> gStopRequested{false};

extern "C" void requestStop(int /*signal*/) { gStopRequested = true; }

// SIGINT/SIGTERM stop the study cleanly while this is in scope.
class StopOnSignal {
 public:
  StopOnSignal() {
    gStopRequested = false;
    previousInt_ = std::signal(SIGINT, requestStop);
    previousTerm_ = std::signal(SIGTERM, requestStop);
  }
  ~StopOnSignal() {
    std::signal(SIGINT, previousInt_);
    std::signal(SIGTERM, previousTerm_);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  void (*previousInt_)(int);
  void (*previousTerm_)(int);
};

// What must not change for a stored study to be resumed: everything but how it is executed.
std::string configFingerprint(nlohmann::json root) {
  if (root.contains("execution") && root["execution"].is_object()) {
    for (const char* key :
         {"parallel_trials", "threads_per_trial", "storage", "output", "checkpoint_every"}) {
      root["execution"].erase(key);
    }
  }
  if (root.contains("search") && root["search"].is_object()) root["search"].erase("max_trials");
  root.erase("description");
  return root.dump();
}

std::string readFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A point of the space to check the model and train sections before any trial runs.
nlohmann::json probePoint(const SearchSpace& space) {
  return space.decode(std::vector<double>(space.dimensions(), 0.5));
}

// Writes <output>/best_model.tunelab: the best complete trial's weights as the runner stored
// them, or, when trials were scored by k-fold cross-validation, the best configuration trained
// again on every training row. Returns the trial and the file, or nothing without a best trial.
std::optional<std::pair<TrialId, std::filesystem::path>> saveBestModel(
    StudyStore& store, const std::vector<TrialRecord>& trials, const ModelObjective& objective,
    const StudySpec& study, const nlohmann::json& root, const Preprocessor& preprocessor,
    const ThreadBudget& budget) {
  const auto stored = store.bestModel();
  std::optional<TrialRecord> best;
  for (const auto& t : trials) {
    if (t.backend != study.backends.front() || t.status != TrialStatus::Complete || !t.value)
      continue;
    const bool isStored = stored && stored->trial == t.id && stored->backend == t.backend;
    // Ties go to the trial whose weights are stored.
    if (!best || (study.maximize ? *t.value > *best->value : *t.value < *best->value) ||
        (isStored && *t.value == *best->value)) {
      best = t;
    }
  }
  if (!best) return std::nullopt;
  ModelWeights weights;
  if (stored && stored->trial == best->id && stored->backend == best->backend) {
    weights = decodeWeights(stored->bytes);
  } else if (objective.crossValidates()) {
    weights = objective.refit(
        best->params, {best->backend, best->seed, budget.threadsPerTrial * budget.parallelTrials},
        best->bestEpoch);
  } else {
    return std::nullopt;  // a study stored by a tunelab that kept no weights
  }
  SavedModel saved;
  saved.experiment = savedExperiment(bindTrialParameters(root, study.space, best->params));
  saved.preprocessor = preprocessor;
  saved.params = std::move(weights.params);
  saved.state = std::move(weights.state);
  saved.info = {{"study", study.name},
                {"trial", best->id},
                {"parameters", best->params},
                {"metric", study.metric},
                {"value", *best->value},
                {"backend", best->backend},
                {"refit_on_all_folds", objective.crossValidates()}};
  const auto file = study.output / "best_model.tunelab";
  saveModel(file, saved);
  return std::make_pair(best->id, file);
}

// Every $name in data, model and train must be a search parameter and every parameter must be
// used; the data section cannot use any (it is loaded once for all trials).
void checkParameterReferences(const nlohmann::json& root, const SearchSpace& space) {
  std::map<std::string, nlohmann::json> all;
  for (const auto& p : space.parameters()) all[p.name] = nullptr;
  bindExperiment(root, all, true);
  if (root.contains("data")) {
    try {
      bindParameters(root.at("data"), "data", {});
    } catch (const ConfigError& e) {
      throw ConfigError(e.keyPath(),
                        "the data section cannot use search parameters (it is "
                        "loaded once for all trials)");
    }
  }
}

}  // namespace

int runStudy(const RunArguments& args, std::ostream& out, std::ostream& err) {
  std::optional<YamlDocument> document;
  StudySpec study;
  std::optional<CommandSpec> command;

  // Declared before everything a plugin creates, so it is destroyed after all of it.
  PluginHost plugins;
  try {
    document = YamlDocument::load(args.experiment);
    applyOverrides(*document, args.overrides);
    study = parseStudySpec(document->root(), document->keysInFileOrder("search.parameters"));
    const auto& root = document->root();
    if (root.contains("objective")) {
      for (const char* section : {"data", "model", "train"}) {
        if (root.contains(section)) {
          throw ConfigError(section, "an experiment with an objective command has no " +
                                         std::string(section) +
                                         " section: the command trains its own model");
        }
      }
      if (root.contains("execution") && root.at("execution").contains("backend")) {
        throw ConfigError("execution.backend",
                          "chooses the compute backend of the built-in model; an objective "
                          "command chooses its own");
      }
      try {
        command = parseCommandSpec(root.at("objective"));
      } catch (const ConfigError& e) {
        throw e.withPrefix("objective");
      }
    } else {
      checkParameterReferences(root, study.space);
    }
  } catch (const ConfigError& e) {
    err << "error: " << (document ? document->describe(e) : e.what()) << "\n";
    return kExitBadInput;
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitBadInput;
  }

  plugins.loadDirectories(PluginHost::searchPath(args.pluginDirs));
  for (const auto& problem : plugins.problems()) {
    err << "warning: plugin " << problem.file.string() << " not loaded: " << problem.reason << "\n";
  }
  for (std::size_t i = 0; !command && i < study.backends.size(); ++i) {
    if (!plugins.backends().contains(study.backends[i])) {
      try {
        plugins.backends().get(study.backends[i]);
      } catch (const ConfigError& e) {
        err << "error: " << document->locate("execution.backend")
            << ": execution.backend: " << e.detail() << "\n";
        return kExitBadInput;
      }
    }
  }

  // The built-in objective needs the data, prepared once, and a model to size the threads.
  std::optional<PreparedData> prepared;
  std::unique_ptr<Objective> objective;
  const ModelObjective* model = nullptr;
  std::size_t probeParameters = 0;
  try {
    if (command) {
      objective = std::make_unique<CommandObjective>(*command, study.space, study.metric);
    } else {
      TrainingSpec probe = parseTrainingSpec(
          bindTrialParameters(document->root(), study.space, probePoint(study.space)));
      study.trainEpochs = probe.fit.epochs;
      // With k-fold scoring every non-test row is in the folds.
      if (probe.validationFolds > 0) probe.data.validationFraction = 0;
      prepared = prepareExperimentData(probe.data, args.dataDirs, study.seed, *document, err);
      if (!prepared) return kExitBadInput;
      auto built = std::make_unique<ModelObjective>(document->root(), study, *prepared, plugins,
                                                    probe.validationFolds);
      try {
        probeParameters = built->parameterCount(probePoint(study.space));
      } catch (const ConfigError& e) {
        throw ConfigError(layerKeyInFile(probe, e.keyPath()), e.detail());
      }
      model = built.get();
      objective = std::move(built);
    }
  } catch (const ConfigError& e) {
    err << "error: " << document->describe(e) << "\n";
    return kExitBadInput;
  }

  std::unique_ptr<Strategy> strategy;
  try {
    // The file's parallel_trials (0 for auto, not the cores found here): strategies derive
    // their default lag from it, so the same file gives the same trials on any machine.
    strategy = plugins.strategies().create(
        study.strategy, {&study.space, study.strategyOptions, study.seed, study.maxTrials,
                         study.trainEpochs, study.parallelTrials});
  } catch (const ConfigError& e) {
    err << "error: "
        << document->describe(e.keyPath() == "type" ? ConfigError("search.strategy", e.detail())
                                                    : e.withPrefix("search"))
        << "\n";
    return kExitBadInput;
  }

  std::optional<StudyStore> store;
  try {
    std::filesystem::create_directories(study.output);
    if (study.storage.has_parent_path())
      std::filesystem::create_directories(study.storage.parent_path());
    store.emplace(study.storage);
    store->openStudy(study.name, readFile(args.experiment), study.space.fingerprint(),
                     configFingerprint(document->root()), args.newStudy);
  } catch (const std::filesystem::filesystem_error& e) {
    err << "error: cannot create " << e.path1().string() << ": " << e.code().message() << "\n";
    return kExitOutput;
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitOutput;
  }

  const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  const ThreadBudget budget = chooseThreadBudget(study, probeParameters, cores);
  out << "Study '" << study.name << "': " << study.strategy << " search, metric " << study.metric
      << " (" << (study.maximize ? "maximize" : "minimize") << "), " << budget.parallelTrials
      << " parallel trials x " << budget.threadsPerTrial << " threads";
  if (!command) {
    out << ", backend" << (study.backends.size() > 1 ? "s " : " ");
    for (std::size_t i = 0; i < study.backends.size(); ++i)
      out << (i ? ", " : "") << study.backends[i];
  }
  if (prepared) {
    out << "\nData: " << prepared->resolvedSource.string() << ": train " << prepared->train.size()
        << ", validation " << prepared->validation.size() << ", test " << prepared->test.size()
        << " rows";
  } else {
    out << "\nObjective:";
    for (const auto& arg : command->argv) out << " " << arg;
  }
  out << "\nStore: " << study.storage.string() << "\n" << std::flush;

  RunSummary summary;
  try {
    const StopOnSignal signals;
    StudyRunner runner(study, *store, *strategy, *objective, budget, out, args.progressBar);
    summary = runner.run(gStopRequested);
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitOutput;
  }

  const auto trials = store->trials();
  out << "\n" << formatBestTrials(trials, study, 5);
  try {
    writeResultsCsv(study.output / "results.csv", trials);
    writeFileAtomically(study.output / "report.html", renderHtmlReport(study, *store, trials));
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitOutput;
  }
  out << std::fixed << std::setprecision(1) << "Ran " << summary.trialsRun << " trials in "
      << summary.seconds << " s; results in " << (study.output / "results.csv").string()
      << ", report in " << (study.output / "report.html").string() << "\n";
  if (!summary.interrupted && model != nullptr) {
    try {
      if (auto saved = saveBestModel(*store, trials, *model, study, document->root(),
                                     prepared->preprocessor, budget)) {
        out << "Best model (trial " << saved->first << ") saved to " << saved->second.string()
            << "\n";
      }
    } catch (const Error& e) {
      err << "error: " << e.what() << "\n";
      return kExitOutput;
    }
  }
  if (summary.interrupted) {
    out << "Interrupted: run the same command again to resume.\n";
    return kExitInterrupted;
  }
  return kExitOk;
}

}  // namespace tunelab
