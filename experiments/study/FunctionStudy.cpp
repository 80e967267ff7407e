#include "experiments/study/FunctionStudy.h"

#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

#include "core/Error.h"
#include "experiments/config/ExperimentSpec.h"
#include "experiments/config/YamlDocument.h"
#include "experiments/store/StudyLock.h"
#include "experiments/store/StudyStore.h"
#include "experiments/study/LocalExecutor.h"
#include "experiments/study/ThreadBudget.h"
#include "plugins/PluginHost.h"

namespace tunelab {

namespace {

StudySpec parseSpec(const YamlDocument& document) {
  try {
    for (const auto& [key, value] : document.root().items()) {
      if (key != "name" && key != "search" && key != "execution" && key != "description") {
        throw ConfigError(key, "a function study has only name, search and execution");
      }
    }
    StudySpec spec = parseStudySpec(document.root(), document.keysInFileOrder("search.parameters"));
    refuseIgnoredStrategyOptions(spec);
    if (!spec.pruner.empty()) {
      throw ConfigError("search.early_terminate",
                        "a function objective gives one value per trial: nothing to stop early");
    }
    return spec;
  } catch (const ConfigError& e) {
    throw Error(document.describe(e));
  }
}

std::unique_ptr<Strategy> buildStrategy(const PluginHost& plugins, const StudySpec& spec,
                                        const YamlDocument& document) {
  try {
    auto strategy = plugins.strategies().create(spec.strategy, strategyContext(spec));
    if (!spec.extraObjectives.empty()) {
      throw ConfigError("search.metric", "a function objective returns one value");
    }
    return strategy;
  } catch (const ConfigError& e) {
    throw Error(document.describe(e.keyPath() == "type" ? ConfigError("search.strategy", e.detail())
                                                        : e.withPrefix("search")));
  }
}

// The stored study resumes when its space and settings are the same; a new one records what
// `strategy: auto` picked, as `tunelab run` does.
void openStudy(StudyStore& store, const StudySpec& spec, const YamlDocument& document,
               bool newStudy) {
  const bool resumed = store.openStudy(spec.name, document.text(), spec.space.fingerprint(),
                                       resultFingerprint(document.root()), newStudy);
  if (!resumed && !spec.strategyReason.empty()) store.recordChosenStrategy(spec.strategy);
}

}  // namespace

RunSummary runFunctionStudy(const FunctionStudyArguments& args, const ObjectiveFunction& function,
                            std::ostream& out, const std::atomic<bool>& stop) {
  const YamlDocument document = YamlDocument::parse(args.experiment, args.displayName);
  const StudySpec spec = parseSpec(document);
  const auto& storage = spec.execution.storage;
  if (storage.has_parent_path()) std::filesystem::create_directories(storage.parent_path());
  const StudyLock lock(storage);
  PluginHost plugins;  // before everything a plugin creates, so it is destroyed after all of it
  plugins.loadDirectories(PluginHost::searchPath(args.pluginDirs));
  const auto strategy = buildStrategy(plugins, spec, document);
  StudyStore store(storage);
  openStudy(store, spec, document, args.newStudy);
  const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  const ThreadBudget budget = chooseThreadBudget(spec, 1, cores);
  const FunctionObjective objective(function, spec.metric.name);
  LocalExecutor executor(objective, budget.parallelTrials);
  const auto progress =
      makeProgressReporter(args.quiet ? ProgressStyle::Quiet : ProgressStyle::Lines, out);
  StudyRunner runner(spec, store, *strategy, nullptr, executor, 1, *progress);
  return runner.run(stop);
}

}  // namespace tunelab
