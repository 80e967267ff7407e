// The real tasks of the search benchmark: tunelab trains an MLP (in this process, through the
// same ModelObjective as `tunelab run`), or tunelab's command objective runs this program as
// an external command that trains one and prints its value as a JSON line.
#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

#include "bench/search/SearchProblems.h"
#include "core/Error.h"
#include "experiments/config/ExperimentSpec.h"
#include "experiments/config/MetricGoal.h"
#include "experiments/config/YamlDocument.h"
#include "experiments/objective/CommandObjective.h"
#include "experiments/objective/ExperimentData.h"
#include "experiments/objective/ModelObjective.h"
#include "plugins/PluginHost.h"

namespace tunelab::bench {

namespace {

using nlohmann::json;

// One experiment file, parsed and its data prepared once.
struct LoadedExperiment {
  YamlDocument document;
  ExperimentSpec experiment;
  PreparedData data;
  std::unique_ptr<ModelObjective> objective;
};

PluginHost& plugins() {
  static PluginHost host;
  static const bool loaded = [] {
    host.loadDirectories(PluginHost::searchPath({}));
    return true;
  }();
  (void)loaded;
  return host;
}

LoadedExperiment& load(const std::filesystem::path& experiment) {
  static std::map<std::filesystem::path, std::unique_ptr<LoadedExperiment>> loaded;
  auto& slot = loaded[experiment];
  if (slot) return *slot;
  YamlDocument document = YamlDocument::load(experiment);
  ExperimentSpec spec = parseExperiment(document);
  DataSpec dataSpec = spec.probe->data;
  // With k-fold scoring every non-test row is in the folds (as `tunelab run` prepares it).
  if (spec.probe->validationFolds > 0) dataSpec.validationFraction = 0;
  std::ostringstream errors;
  auto data = prepareExperimentData(dataSpec, {}, spec.study.execution.seed, document, errors);
  if (!data) throw Error(errors.str());
  slot = std::unique_ptr<LoadedExperiment>(
      new LoadedExperiment{std::move(document), std::move(spec), std::move(*data), nullptr});
  // The objective keeps references to the experiment and the data: both stay in the slot.
  slot->objective = std::make_unique<ModelObjective>(slot->experiment, slot->data, plugins());
  return *slot;
}

// The best value of the metric over a run's epochs, as the value to minimise; +inf for a
// failed run (a diverged loss).
double bestValue(const TrialRun& run, const MetricGoal& metric) {
  double best = std::numeric_limits<double>::infinity();
  if (run.ending == TrialRun::Ending::Failed) return best;
  for (const auto& epoch : run.fit.history) {
    if (const auto value = metric.valueIn(epoch)) best = std::min(best, metric.minimised(*value));
  }
  return best;
}

SearchProblem taskFromFile(const std::string& name, const std::filesystem::path& file) {
  const YamlDocument document = YamlDocument::load(file);
  SearchProblem p;
  p.name = name;
  p.kind = "real";
  p.parameters = document.root().at("search").at("parameters");
  p.order = document.keysInFileOrder("search.parameters");
  return p;
}

}  // namespace

double trainExperimentPoint(const std::filesystem::path& experiment, const json& params) {
  LoadedExperiment& e = load(experiment);
  TrialContext context;
  const StudySpec& study = e.experiment.study;
  context.backend = primaryBackend(study);
  context.seed = study.execution.seed;  // every point trained from the same initial stream
  const TrialRun run = e.objective->run({0, params, 0, std::nullopt}, context,
                                        [](const EpochRecord&) { return true; });
  return bestValue(run, study.metric);
}

std::vector<SearchProblem> realTasks(const RealTaskPaths& paths) {
  const auto magic = paths.sourceDir / "bench/search/mlp_magic.yaml";
  SearchProblem inProcess = taskFromFile("mlp-magic", magic);
  inProcess.evaluate = [magic](const json& params) { return trainExperimentPoint(magic, params); };

  const auto diabetes = paths.sourceDir / "bench/search/mlp_diabetes.yaml";
  SearchProblem command = taskFromFile("command-mlp-diabetes", diabetes);
  CommandSpec spec;
  spec.argv = {paths.benchBinary.string(), "--evaluate", diabetes.string()};
  for (const auto& name : command.order) {
    spec.argv.push_back(name);
    spec.argv.push_back("$" + name);
  }
  const SearchSpace space = SearchSpace::parse(command.parameters, command.order);
  auto objective = std::make_shared<CommandObjective>(spec, space, "val_loss");
  command.evaluate = [objective](const json& params) {
    const TrialRun run = objective->run({0, params, 0, std::nullopt}, TrialContext{},
                                        [](const EpochRecord&) { return true; });
    return bestValue(run, MetricGoal::forName("val_loss"));
  };
  return {inProcess, command};
}

}  // namespace tunelab::bench
