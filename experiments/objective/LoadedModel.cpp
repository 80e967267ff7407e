#include "experiments/objective/LoadedModel.h"

#include <numeric>

#include "core/Error.h"
#include "core/Graph.h"
#include "core/Loss.h"
#include "core/Trainer.h"
#include "experiments/config/TrainingSpec.h"
#include "experiments/objective/TargetCheck.h"
#include "plugins/PluginHost.h"

namespace tunelab {

struct LoadedModel::Impl {
  TrainingSpec spec;
  std::unique_ptr<Loss> loss;
  Graph graph;
  std::unique_ptr<Backend> backend;
  Trainer trainer;

  Impl(TrainingSpec s, std::unique_ptr<Loss> l, Graph g, std::unique_ptr<Backend> b)
      : spec(std::move(s)),
        loss(std::move(l)),
        graph(std::move(g)),
        backend(std::move(b)),
        trainer(graph, *backend, *loss, spec.fit, Rng(0)) {}
};

namespace {

// The backend the model was trained on (its test numbers to the last bit) when it is
// installed; else the reference.
std::string predictionBackend(const SavedModel& saved, const PluginHost& plugins) {
  const auto it = saved.info.find("backend");
  if (it != saved.info.end() && it->is_string() &&
      plugins.backends().contains(it->get<std::string>())) {
    return it->get<std::string>();
  }
  return "reference";
}

// A model file edited by hand, or written by a version that did not check: its outputs must
// still fit its classes, or predict would read a class beyond them.
void checkSavedTargets(const TrainingSpec& spec, const Loss& loss, const Graph& graph,
                       const Preprocessor& p, const std::filesystem::path& file) {
  Dataset targets;
  targets.task = p.task();
  targets.classNames = p.classNames();
  targets.targetName = p.targetName();
  targets.y = Matrix(0, 1);
  try {
    checkTargetsFit(spec, loss, graph.outputShape().elements(), targets);
  } catch (const ConfigError& e) {
    throw DataError(file.string() + ": the model does not fit its own data: " + e.what());
  }
}

}  // namespace

LoadedModel::LoadedModel(SavedModel saved, const PluginHost& plugins,
                         const std::filesystem::path& file)
    : saved_(std::move(saved)) {
  TrainingSpec spec = parseTrainingSpec(saved_.experiment);
  auto loss = makeLoss(spec.loss);
  Graph graph(spec.layers, saved_.preprocessor.sampleShape(), *loss, plugins.layers());
  checkSavedTargets(spec, *loss, graph, saved_.preprocessor, file);
  if (graph.params().size() != saved_.params.size() ||
      graph.state().size() != saved_.state.size()) {
    throw DataError(file.string() + ": its weights (" + std::to_string(saved_.params.size()) +
                    ") do not fit its layers (" + std::to_string(graph.params().size()) +
                    " parameters)");
  }
  std::copy(saved_.params.begin(), saved_.params.end(), graph.params().begin());
  std::copy(saved_.state.begin(), saved_.state.end(), graph.state().begin());
  impl_ = std::make_unique<Impl>(std::move(spec), std::move(loss), std::move(graph),
                                 plugins.backends().create(predictionBackend(saved_, plugins)));
}

LoadedModel::~LoadedModel() = default;

const Graph& LoadedModel::graph() const { return impl_->graph; }

const std::vector<LayerSpec>& LoadedModel::layerSpecs() const { return impl_->spec.layers; }

Matrix LoadedModel::predict(const Table& table) {
  const Preprocessor& p = saved_.preprocessor;
  const Matrix x = p.transformFeatures(table);
  Matrix outputs = impl_->trainer.predict(x.cview());
  if (p.task() == TaskKind::Regression) p.inverseTargets(outputs.view());
  return outputs;
}

std::optional<std::map<std::string, double>> LoadedModel::evaluate(const Table& table) {
  const Preprocessor& p = saved_.preprocessor;
  if (table.find(p.targetName()) == static_cast<std::size_t>(-1)) return std::nullopt;
  std::vector<std::uint32_t> rows(table.rows());
  std::iota(rows.begin(), rows.end(), 0U);
  Dataset labelled;
  labelled.x = p.transformFeatures(table);
  labelled.y = p.encodeTargets(table, rows);
  labelled.sampleShape = p.sampleShape();
  labelled.task = p.task();
  labelled.classNames = p.classNames();
  labelled.targetName = p.targetName();
  labelled.targetScaling = p.targetScaling();
  return impl_->trainer.evaluate(labelled);
}

}  // namespace tunelab
