// The real tasks of the search benchmark: tunelab trains an MLP (in this process, through the
// same ModelObjective as `tunelab run`), or tunelab's command objective runs this program as
// an external command that trains one and prints its value as a JSON line.
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

#include "bench/search/SearchProblems.h"
#include "core/Error.h"
#include "experiments/ExperimentData.h"
#include "experiments/TrainingSpec.h"
#include "experiments/YamlDocument.h"
#include "experiments/study/CommandObjective.h"
#include "experiments/study/ModelObjective.h"
#include "experiments/study/StudySpec.h"
#include "plugins/PluginHost.h"

namespace tunelab::bench {

namespace {

using nlohmann::json;

// One experiment file, parsed and its data prepared once.
struct LoadedExperiment {
  YamlDocument document;
  StudySpec study;
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
  StudySpec study = parseStudySpec(document.root(), document.keysInFileOrder("search.parameters"));
  const nlohmann::json probe =
      study.space.decode(std::vector<double>(study.space.dimensions(), 0.5));
  const TrainingSpec spec =
      parseTrainingSpec(bindTrialParameters(document.root(), study.space, probe));
  std::ostringstream errors;
  auto data = prepareExperimentData(spec.data, {}, study.seed, document, errors);
  if (!data) throw Error(errors.str());
  slot = std::unique_ptr<LoadedExperiment>(
      new LoadedExperiment{std::move(document), std::move(study), std::move(*data), nullptr});
  slot->objective =
      std::make_unique<ModelObjective>(slot->document.root(), slot->study, slot->data, plugins());
  return *slot;
}

// The best value of the metric over a run's epochs; +inf for a failed run (a diverged loss).
double bestValue(const TrialRun& run, const std::string& metric) {
  double best = std::numeric_limits<double>::infinity();
  if (run.ending == TrialRun::Ending::Failed) return best;
  for (const auto& epoch : run.fit.history) {
    if (auto it = epoch.values.find(metric); it != epoch.values.end() && std::isfinite(it->second))
      best = std::min(best, it->second);
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
  context.backend = e.study.backends.front();
  context.seed = e.study.seed;  // every point trained from the same initial stream
  const TrialRun run = e.objective->run({0, params, 0, std::nullopt}, context,
                                        [](const EpochRecord&) { return true; });
  return bestValue(run, e.study.metric);
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
    return bestValue(run, "val_loss");
  };
  return {inProcess, command};
}

}  // namespace tunelab::bench
