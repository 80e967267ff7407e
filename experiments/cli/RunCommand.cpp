#include "experiments/cli/RunCommand.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iomanip>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

#include "core/Error.h"
#include "core/data/PrepareData.h"
#include "experiments/cli/AutoExecution.h"
#include "experiments/cli/CommandSteps.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/cli/StudyPlan.h"
#include "experiments/config/ExperimentSpec.h"
#include "experiments/config/Overrides.h"
#include "experiments/config/YamlDocument.h"
#include "experiments/distributed/Cluster.h"
#include "experiments/distributed/Launcher.h"
#include "experiments/files/AtomicFile.h"
#include "experiments/objective/CommandObjective.h"
#include "experiments/objective/ExperimentData.h"
#include "experiments/objective/ModelObjective.h"
#include "experiments/objective/StudyCheck.h"
#include "experiments/report/HtmlReport.h"
#include "experiments/report/LiveReportWriter.h"
#include "experiments/report/StudyOutputs.h"
#include "experiments/store/StudyLock.h"
#include "experiments/store/StudyStore.h"
#include "experiments/study/BestModel.h"
#include "experiments/study/LocalExecutor.h"
#include "experiments/study/StudyRunner.h"
#include "experiments/study/ThreadBudget.h"
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

// Everything a run builds, in the order it is built. Each step prints what went wrong and
// returns an exit code, or nothing when the run goes on.
using Failure = std::optional<int>;

struct Run {
  Run(const RunArguments& a, std::ostream& o, std::ostream& e) : args(a), out(o), err(e) {}
  const RunArguments& args;
  std::ostream& out;
  std::ostream& err;
  PluginHost plugins;  // before everything a plugin creates, so it is destroyed after all of it
  std::optional<YamlDocument> document;
  ExperimentSpec experiment;
  std::optional<PreparedData> data;
  std::unique_ptr<Objective> objective;
  const ModelObjective* model = nullptr;  // the objective, when it trains the built-in model
  std::unique_ptr<Strategy> strategy;
  std::unique_ptr<Pruner> pruner;
  std::optional<StudyLock> lock;  // before the store, so it is released after the store closes
  std::optional<StudyStore> store;
  nlohmann::json centreModel;       // the model section at the centre of the space
  std::optional<StudyCheck> check;  // the built-in model at every probe point
  ThreadBudget budget;
  double liveReportCpuSeconds = 0;     // the live report's thread, once the study ran
  Cluster* cluster = nullptr;          // under mpirun/srun: this is rank 0, the coordinator
  std::unique_ptr<Executor> executor;  // last: its trials use everything above

  const StudySpec& study() const { return experiment.study; }
  int located(const ConfigError& e) const {
    err << "error: " << document->describe(e) << "\n";
    return kExitBadInput;
  }
};

Failure readExperiment(Run& run) {
  return readExperimentFile(run.args.experiment, run.args.overrides, run.document, run.err,
                            [&](const YamlDocument& d) { run.experiment = parseExperiment(d); });
}

// One run owns the study: a second is refused before it prepares or changes anything.
// `strategy: auto` depends on max_trials, which a resumed study may raise: the study keeps
// the strategy it started with (recorded in its store), as `backend: auto` keeps its backend.
// A dry run opens no store: it shows what a new study would pick.
Failure recallAutoStrategy(Run& run) {
  StudySpec& study = run.experiment.study;
  const auto& storage = study.execution.storage;
  if (study.strategyReason.empty() || run.args.dryRun || run.args.newStudy ||
      !std::filesystem::exists(storage)) {
    return std::nullopt;
  }
  try {
    const auto kept = StudyStore(storage).autoStrategy();
    if (kept && *kept != study.strategy) {
      useAutoStrategy(study, *kept,
                      "picked when the study started; a resumed study keeps its strategy");
    }
  } catch (const Error& e) {
    run.err << "error: " << e.what() << "\n";
    return kExitOutput;
  }
  return std::nullopt;
}

Failure lockStudy(Run& run) {
  if (run.args.dryRun) return std::nullopt;  // it changes nothing
  const std::filesystem::path& storage = run.study().execution.storage;
  try {
    if (storage.has_parent_path()) std::filesystem::create_directories(storage.parent_path());
    run.lock.emplace(storage);
  } catch (const std::filesystem::filesystem_error& e) {
    run.err << "error: cannot create " << e.path1().string() << ": " << e.code().message() << "\n";
    return kExitOutput;
  } catch (const StudyBusy& e) {
    run.err << "error: " << e.what() << "\n";
    if (const std::string hint = srunWithoutMpiHint(); !hint.empty()) run.err << hint << "\n";
    return kExitStudyBusy;
  } catch (const Error& e) {
    run.err << "error: " << e.what() << "\n";
    return kExitOutput;
  }
  if (const auto& previous = run.lock->takenOverFrom()) {
    run.out << "Taking over " << storage.string() << " from a run that ended without finishing ("
            << previous->describe() << ")\n";
  }
  return std::nullopt;
}

Failure loadPlugins(Run& run) {
  loadPluginsWarning(run.plugins, run.args.pluginDirs, run.err);
  if (run.experiment.command) return std::nullopt;
  const auto& backends = run.study().execution.backends;
  if (backends.front() == kAutoBackend) return std::nullopt;
  return checkBackends(run.plugins, backends, *run.document, run.err);
}

// The built-in objective needs the data, prepared once; every probe point of the space is
// built as a trial would build it (checkStudy) before the first trial.
Failure buildObjective(Run& run) {
  const StudySpec& study = run.study();
  try {
    if (run.experiment.command) {
      run.objective = std::make_unique<CommandObjective>(*run.experiment.command, study.space,
                                                         study.metric.name);
    } else {
      DataSpec data = run.experiment.probe->data;
      // With k-fold scoring every non-test row is in the folds.
      if (run.experiment.probe->validationFolds > 0) data.validationFraction = 0;
      run.data = prepareExperimentData(data, run.args.dataDirs, study.execution.seed, *run.document,
                                       run.err);
      if (!run.data) return kExitBadInput;
      auto model = std::make_unique<ModelObjective>(run.experiment, *run.data, run.plugins);
      run.centreModel =
          run.experiment
              .bind(study.space.decode(std::vector<double>(study.space.dimensions(), 0.5)))
              .value("model", nlohmann::json());
      run.check = checkStudy(run.experiment, *run.data, run.plugins);
      run.model = model.get();
      run.objective = std::move(model);
    }
  } catch (const ConfigError& e) {
    return run.located(e);
  }
  return std::nullopt;
}

// The installed strategies that search several objectives (with their default options) in
// this study's space.
std::vector<std::string> multiObjectiveStrategies(const PluginHost& plugins,
                                                  const StudySpec& study) {
  std::vector<std::string> names;
  StrategyContext context = strategyContext(study);
  context.options = nlohmann::json::object();
  for (const auto& name : plugins.strategies().names()) {
    try {
      if (plugins.strategies().create(name, context)->searchesSeveralObjectives()) {
        names.push_back(name);
      }
    } catch (const std::exception&) {
      // It cannot search this space at all (grid over a continuous parameter).
    }
  }
  return names;
}

Failure buildSearch(Run& run) {
  const StudySpec& study = run.study();
  try {
    refuseIgnoredStrategyOptions(study);
    run.strategy = run.plugins.strategies().create(study.strategy, strategyContext(study));
  } catch (const ConfigError& e) {
    return run.located(e.keyPath() == "type" ? ConfigError("search.strategy", e.detail())
                                             : e.withPrefix("search"));
  }
  if (!study.extraObjectives.empty() && !run.strategy->searchesSeveralObjectives()) {
    return run.located(ConfigError(
        "search.strategy",
        "'" + study.strategy + "' searches one objective, and search.metric lists " +
            std::to_string(objectivesOf(study).size()) + "; strategies that search several: " +
            joinNames(multiObjectiveStrategies(run.plugins, study))));
  }
  if (study.pruner.empty()) return std::nullopt;
  try {
    run.pruner = run.plugins.pruners().create(
        study.pruner, {study.prunerOptions, study.execution.seed, study.trainEpochs});
  } catch (const ConfigError& e) {
    return run.located(e.keyPath() == "type"
                           ? ConfigError("search.early_terminate.type", e.detail())
                           : e.withPrefix("search.early_terminate"));
  }
  return std::nullopt;
}

Failure openStore(Run& run) {
  const ExecutionSpec& execution = run.study().execution;
  try {
    std::filesystem::create_directories(execution.output);
    run.store.emplace(execution.storage);
    const bool resumed = run.store->openStudy(
        run.study().name, run.document->text(), run.study().space.fingerprint(),
        resultFingerprint(run.document->root()), run.args.newStudy);
    // A new study records what `strategy: auto` picked; a resumed one recalled it.
    if (!resumed && !run.study().strategyReason.empty()) {
      run.store->recordChosenStrategy(run.study().strategy);
    }
  } catch (const std::filesystem::filesystem_error& e) {
    run.err << "error: cannot create " << e.path1().string() << ": " << e.code().message() << "\n";
    return kExitOutput;
  } catch (const Error& e) {
    run.err << "error: " << e.what() << "\n";
    return kExitOutput;
  }
  return std::nullopt;
}

// `execution.backend: auto`: the backend the study started with, else the fastest on its centre
// model (measured, or the cached verdict), recorded in the store before the first trial.
Failure pickBackend(Run& run, const ModelProbe& probe) {
  auto& backends = run.experiment.study.execution.backends;
  if (backends.front() != kAutoBackend) return std::nullopt;
  BackendChoice choice;
  // A dry run opens no store: it shows what a new study would pick.
  if (auto kept = run.store ? run.store->chosenBackend() : std::nullopt) {
    if (!run.plugins.backends().contains(*kept)) {
      run.err << "error: this study runs on backend '" << *kept
              << "' (execution.backend: auto picked it when the study started), which is not "
                 "installed now; install it, or start over with --new-study\n";
      return kExitBadInput;
    }
    choice = {*kept, BackendChoice::Source::Resumed, {}};
  } else {
    choice = pickAutoBackend(probe);
    if (run.store) run.store->recordChosenBackend(choice.backend);
  }
  backends = {choice.backend};
  run.out << describeChoice(choice) << "\n";
  return std::nullopt;
}

// Parallel trials and threads per trial; `auto` threads measured on the centre model.
Failure planExecution(Run& run) {
  const StudySpec& study = run.study();
  const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  int autoThreads = 1;
  try {
    if (run.model != nullptr) {
      // Trials at once if they get one thread each, as auto threads gives small models.
      const int sideBySide = chooseThreadBudget(study, 1, cores).parallelTrials;
      const ModelProbe probe{*run.experiment.probe, run.centreModel, run.data->train, run.plugins,
                             sideBySide};
      if (auto failed = pickBackend(run, probe)) return failed;
      if (study.execution.threadsPerTrial == 0) {
        const ThreadsChoice threads =
            pickAutoThreads(probe, primaryBackend(study), threadsAvailablePerTrial(study, cores));
        autoThreads = threads.threads;
        if (auto line = describeThreads(threads); !line.empty()) run.out << line << "\n";
      }
    }
  } catch (const ConfigError& e) {
    return run.located(e);
  } catch (const Error& e) {
    run.err << "error: " << e.what() << "\n";
    return kExitOutput;
  }
  run.budget = chooseThreadBudget(study, autoThreads, cores);
  return std::nullopt;
}

// --dry-run ends here: everything is checked, nothing is stored.
Failure dryRun(Run& run) {
  if (!run.args.dryRun) return std::nullopt;
  if (auto failed = planExecution(run)) return failed;
  printStudyPlan(run.out, {run.study(), run.data ? &*run.data : nullptr,
                           run.check ? &*run.check : nullptr, run.budget});
  run.out << "Dry run: the study checks out; nothing ran and no study was stored.\n";
  return kExitOk;
}

void printHeader(const Run& run) {
  const StudySpec& study = run.study();
  run.out << "Study '" << study.name << "': " << study.strategy << " search, metric"
          << (study.extraObjectives.empty() ? " " : "s ") << describeObjectives(study);
  if (run.cluster == nullptr) {
    run.out << ", " << run.budget.parallelTrials << " parallel trials x "
            << run.budget.threadsPerTrial << " threads";
  }
  if (run.experiment.command) {
    run.out << "\nObjective:";
    for (const auto& arg : run.experiment.command->argv) run.out << " " << arg;
  } else {
    const auto& backends = study.execution.backends;
    run.out << ", backend" << (backends.size() > 1 ? "s " : " ");
    for (std::size_t i = 0; i < backends.size(); ++i) run.out << (i ? ", " : "") << backends[i];
    const PreparedData& data = *run.data;
    run.out << "\nData: " << data.resolvedSource.string() << ": train " << data.train.size()
            << ", validation " << data.validation.size() << ", test " << data.test.size()
            << " rows";
  }
  if (!study.strategyReason.empty()) {
    run.out << "\nStrategy: auto chose " << study.strategy << ": " << study.strategyReason;
  }
  if (run.cluster != nullptr) {
    run.out << "\nMPI: " << run.cluster->size() - 1 << " executor ranks run "
            << run.executor->capacity() << " trials at once";
  }
  run.out << "\nStore: " << study.execution.storage.string() << "\n" << std::flush;
}

// report.html while the study runs: its trials so far, running ones with their epochs; the
// page reloads itself. Written on the writer's thread; a failure to write it is said once and
// the run goes on.
void sayLiveReportFailure(Run& run, LiveReportWriter& writer) {
  if (auto failure = writer.takeFailure()) {
    run.err << "warning: " << *failure << "; the live report stops until the run ends\n";
  }
}

void requestLiveReport(Run& run, LiveReportWriter& writer, double elapsedSeconds) {
  sayLiveReportFailure(run, writer);
  const StudySpec& study = run.study();
  writer.request({run.lock ? run.lock->owner() : StudyOwner{}, study.execution.reportEverySeconds,
                  expectedTrials(study), elapsedSeconds,
                  run.model != nullptr ? study.trainEpochs : 0});
}

// Where trials run: this process's workers, or under mpirun the executor ranks, once each
// has prepared the study (one that could not is named, and its mistake is the user's: exit 2).
Failure startExecutor(Run& run) {
  if (run.cluster == nullptr) {
    run.executor = std::make_unique<LocalExecutor>(*run.objective, run.budget.parallelTrials);
    return std::nullopt;
  }
  try {
    run.executor = run.cluster->coordinate(run.objective->resumesFromCheckpoints());
  } catch (const Error& e) {
    run.err << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
  return std::nullopt;
}

// Under mpirun: ends the executor ranks and says what their communication cost.
void endExecutor(Run& run) {
  run.executor.reset();
  if (run.cluster == nullptr) return;
  const std::string cost = describeCommunicationCost(run.cluster->communicationCost());
  if (cost.empty()) return;
  run.out << cost;
  if (run.liveReportCpuSeconds > 0) {
    run.out << std::fixed << std::setprecision(2) << "; rank 0's live report thread "
            << run.liveReportCpuSeconds << " s";
  }
  run.out << "\n";
}

std::optional<RunSummary> execute(Run& run) {
  try {
    const StopOnSignal signals;
    Executor& executor = *run.executor;
    // mpirun gives rank 0 a pseudo-terminal even when its own output goes to a file: a line
    // per trial there, never a redrawn one.
    const bool redraw = run.args.progressBar && run.cluster == nullptr;
    const auto progress =
        makeProgressReporter(redraw ? ProgressStyle::Terminal : ProgressStyle::Lines, run.out);
    StudyRunner runner(run.study(), *run.store, *run.strategy, run.pruner.get(), executor,
                       run.budget.threadsPerTrial, *progress);
    const ExecutionSpec& execution = run.study().execution;
    std::optional<LiveReportWriter> liveReport;
    if (execution.reportEverySeconds > 0) {
      liveReport.emplace(run.study(), execution.storage, execution.output / "report.html");
      runner.reportEvery(execution.reportEverySeconds,
                         [&](double elapsed) { requestLiveReport(run, *liveReport, elapsed); });
    }
    RunSummary summary = runner.run(gStopRequested);
    if (liveReport) {
      liveReport->finish();
      sayLiveReportFailure(run, *liveReport);
      run.liveReportCpuSeconds = liveReport->cpuSeconds();
    }
    return summary;
  } catch (const Error& e) {
    run.err << "error: " << e.what() << "\n";
    return std::nullopt;
  }
}

// A trial's error in one line: its first, and for a program's stderr tail after it the tail's
// last line, where the cause usually is (a Python exception's message).
std::string errorInOneLine(const std::string& error) {
  constexpr std::size_t kWidth = 200;
  const auto firstEnd = error.find('\n');
  std::string line = error.substr(0, std::min(firstEnd, kWidth));
  if (firstEnd == std::string::npos) return line;
  const auto lastEnd = error.find_last_not_of("\n ");
  const auto lastBegin = error.rfind('\n', lastEnd);
  if (lastEnd == std::string::npos || lastBegin < firstEnd) return line;
  return line + " ... " + error.substr(lastBegin + 1, std::min(lastEnd - lastBegin, kWidth));
}

// A study that ended with no complete trial: the errors, grouped by message, most frequent
// first, and an exit code a script can tell from success.
Failure requireACompleteTrial(Run& run) {
  const auto trials = run.store->trials();
  std::map<std::string, int> byStatus;
  std::map<std::string, int> byError;
  for (const auto& trial : trials) {
    if (trial.status == TrialStatus::Complete) return std::nullopt;
    ++byStatus[std::string(trialStatusName(trial.status))];
    if (!trial.error.empty()) ++byError[errorInOneLine(trial.error)];
  }
  run.err << "error: no trial completed (";
  for (auto it = byStatus.begin(); it != byStatus.end(); ++it) {
    run.err << (it == byStatus.begin() ? "" : ", ") << it->second << " " << it->first;
  }
  run.err << ")" << (byError.empty() ? "" : "; their errors:") << "\n";
  std::vector<std::pair<int, std::string>> errors;
  for (const auto& [message, count] : byError) errors.emplace_back(count, message);
  std::stable_sort(errors.begin(), errors.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [count, message] : errors) run.err << "  " << count << " x " << message << "\n";
  return kExitNoCompleteTrial;
}

Failure writeOutputs(Run& run, const RunSummary& summary) {
  const StudySpec& study = run.study();
  const auto trials = run.store->trials();
  try {
    writeStudyOutputs(run.out, study, *run.store, trials);
    run.out << std::fixed << std::setprecision(1) << "Ran " << summary.trialsRun << " trials in "
            << summary.seconds << " s; results in "
            << (study.execution.output / "results.csv").string() << ", report in "
            << (study.execution.output / "report.html").string() << "\n";
    if (summary.interrupted || run.model == nullptr) return std::nullopt;
    const ModelSource source{run.experiment, *run.model, run.data->preprocessor,
                             run.budget.threadsPerTrial * run.budget.parallelTrials};
    if (auto saved = saveBestModel(*run.store, trials, source)) {
      run.out << "Best model (trial " << saved->first << ") saved to " << saved->second.string()
              << "\n";
    }
  } catch (const Error& e) {
    run.err << "error: " << e.what() << "\n";
    return kExitOutput;
  }
  return std::nullopt;
}

int runSteps(Run& run) {
  for (auto* step : {readExperiment, lockStudy, recallAutoStrategy, loadPlugins, buildObjective,
                     buildSearch, dryRun, openStore, planExecution, startExecutor}) {
    if (auto failed = step(run)) return *failed;
  }
  printHeader(run);
  const auto summary = execute(run);
  endExecutor(run);
  if (!summary) return kExitOutput;
  if (auto failed = writeOutputs(run, *summary)) return *failed;
  if (summary->interrupted) {
    run.out << "Interrupted: run the same command again to resume.\n";
    return kExitInterrupted;
  }
  return requireACompleteTrial(run).value_or(kExitOk);
}

// An executor rank under mpirun/srun: it prepares the same objective as rank 0 (the same data
// from the same path, the same plugins), silently, and runs the trials rank 0 sends. What goes
// wrong here is told to rank 0, which stops the job naming this rank and host.
int runExecutorRank(const RunArguments& args, Cluster& cluster) {
  std::ostringstream quiet;
  std::ostringstream problems;
  Run run{args, quiet, problems};
  std::optional<int> failed;
  try {
    for (auto* step : {readExperiment, loadPlugins, buildObjective}) {
      if ((failed = step(run))) break;
    }
  } catch (const std::exception& e) {
    problems << "internal error: " << e.what() << "\n";
    failed = kExitInternal;
  }
  std::string error = problems.str();
  if (failed && error.empty()) error = "it could not prepare the study";
  if (error.starts_with("error: ")) error.erase(0, 7);
  while (!error.empty() && error.back() == '\n') error.pop_back();
  const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  const int threads = failed ? 1 : std::max(1, run.study().execution.threadsPerTrial);
  const ThreadBudget budget =
      failed ? ThreadBudget{} : chooseThreadBudget(run.study(), threads, cores);
  return cluster.execute(failed ? nullptr : run.objective.get(), budget.parallelTrials,
                         budget.threadsPerTrial, failed ? error : "");
}

}  // namespace

int runStudy(const RunArguments& args, std::ostream& out, std::ostream& err) {
  std::unique_ptr<Cluster> cluster;
  try {
    cluster = Cluster::join();
  } catch (const Error& e) {
    err << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (cluster && cluster->rank() > 0) return runExecutorRank(args, *cluster);
  Run run{args, out, err};
  run.cluster = cluster.get();
  // Said while the plugins are loaded: an exception a plugin threw has its type and message
  // in the plugin's code, which is unloaded once `run` is gone (main's handler crashed there).
  try {
    return runSteps(run);
  } catch (const std::exception& e) {
    err << "internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}

}  // namespace tunelab
