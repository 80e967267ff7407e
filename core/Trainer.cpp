#include "core/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "core/Error.h"
#include "core/FlushDenormals.h"
#include "core/MatrixCopy.h"
#include "core/Options.h"

namespace tunelab {

std::string_view fitStatusName(FitStatus status) {
  switch (status) {
    case FitStatus::Completed:
      return "completed";
    case FitStatus::EarlyStopped:
      return "early_stopped";
    case FitStatus::Diverged:
      return "diverged";
    case FitStatus::Stopped:
      return "stopped";
  }
  return "unknown";
}

namespace {

// Copies n floats between buffers that do not overlap. Rows of a few floats (MAGIC has 10) are
// copied in 8-float pieces, inline: a call to memmove per row costs more than its copy.
void copyRow(const float* from, float* to, std::size_t n) {
  constexpr std::size_t kPiece = 8;
  if (n < kPiece || n > 8 * kPiece) {
    std::copy(from, from + n, to);
    return;
  }
  std::size_t c = 0;
  for (; c + kPiece <= n; c += kPiece) std::memcpy(to + c, from + c, kPiece * sizeof(float));
  if (c < n) std::memcpy(to + n - kPiece, from + n - kPiece, kPiece * sizeof(float));
}

// Copies rows `order[begin, begin + count)` of `from` into `to` (count x from.cols).
void gatherRows(const Matrix& from, const std::vector<std::uint32_t>& order, std::size_t begin,
                std::size_t count, Matrix& to) {
  to.resize(count, from.cols());
  const std::size_t cols = from.cols();
  const float* first = from.data();
  float* out = to.data();
  if (cols == 1) {  // a target column, or a single feature
    for (std::size_t r = 0; r < count; ++r) out[r] = first[order[begin + r]];
    return;
  }
  for (std::size_t r = 0; r < count; ++r) {
    copyRow(first + static_cast<std::size_t>(order[begin + r]) * cols, out + r * cols, cols);
  }
}

// Early-stopping bookkeeping, as Keras' EarlyStopping callback keeps it.
struct StopWatch {
  double best = 0.0;
  bool hasBest = false;
  int wait = 0;
  int bestEpoch = 0;
  std::vector<float> bestParams;
  std::vector<float> bestState;

  nlohmann::json toJson() const {
    return {{"best", best},
            {"has_best", hasBest},
            {"wait", wait},
            {"best_epoch", bestEpoch},
            {"best_params", bestParams},
            {"best_state", bestState}};
  }
  void fromJson(const nlohmann::json& j) {
    if (j.is_null()) {
      *this = StopWatch{};
      return;
    }
    best = j.at("best").get<double>();
    hasBest = j.at("has_best").get<bool>();
    wait = j.at("wait").get<int>();
    bestEpoch = j.at("best_epoch").get<int>();
    bestParams = j.at("best_params").get<std::vector<float>>();
    bestState = j.at("best_state").get<std::vector<float>>();
  }
};

// KeepBest's bookkeeping: the best epoch so far, its value (to minimise) and its weights.
struct BestKeeper {
  int epoch = 0;  // 0: none yet
  double minimised = 0.0;
  std::vector<float> params;
  std::vector<float> state;

  nlohmann::json toJson() const {
    if (epoch == 0) return nullptr;
    return {{"epoch", epoch}, {"minimised", minimised}, {"params", params}, {"state", state}};
  }
  void fromJson(const nlohmann::json& j) {
    *this = BestKeeper{};
    if (j.is_null()) return;
    epoch = j.at("epoch").get<int>();
    minimised = j.at("minimised").get<double>();
    params = j.at("params").get<std::vector<float>>();
    state = j.at("state").get<std::vector<float>>();
  }
};

// Regression outputs and targets with the data's target scaling undone, so that every loss and
// metric a user reads is in the target's own units; the optimiser keeps its scaled loss.
class TargetUnits {
 public:
  explicit TargetUnits(const Dataset& data)
      : scaling_(data.task == TaskKind::Regression ? data.targetScaling : TargetScaling{}) {}
  bool scaled() const { return !scaling_.identity(); }
  ConstMatrixView outputs(ConstMatrixView values) { return undo(values, outputs_); }
  ConstMatrixView targets(ConstMatrixView values) { return undo(values, targets_); }

 private:
  ConstMatrixView undo(ConstMatrixView values, Matrix& into) const {
    if (!scaled()) return values;
    into.resize(values.rows, values.cols);
    for (std::size_t r = 0; r < values.rows; ++r) {
      const auto from = values.row(r);
      auto to = into.view().row(r);
      for (std::size_t c = 0; c < from.size(); ++c) to[c] = scaling_.undo(from[c]);
    }
    return into.cview();
  }

  TargetScaling scaling_;
  Matrix outputs_;
  Matrix targets_;
};

// The loss a user reads for one batch: the optimiser's own, or in target units.
double reportedLoss(const Loss& loss, ConstMatrixView logits, ConstMatrixView y,
                    double optimisedLoss, TargetUnits& units) {
  if (!units.scaled()) return optimisedLoss;
  return loss.compute(units.outputs(logits), units.targets(y), MatrixView{});
}

}  // namespace

struct Trainer::Impl {
  Graph& graph;
  Backend& backend;
  const Loss& loss;
  FitOptions options;
  Rng rng;
  std::unique_ptr<Optimizer> optimizer;
  std::unique_ptr<LearningRateSchedule> schedule;
  int epochsDone = 0;
  std::vector<EpochRecord> history;
  StopWatch watch;
  BestKeeper kept;
  std::optional<ModelWeights> lastWeights;  // the last epoch's, while the model holds the best
  Matrix xBatch, yBatch, gradient, probabilities;
  std::vector<std::uint32_t> order;

  Impl(Graph& g, Backend& b, const Loss& l, FitOptions o, Rng r)
      : graph(g),
        backend(b),
        loss(l),
        options(std::move(o)),
        rng(r),
        optimizer(makeOptimizer(options.optimizer, graph.tensorBounds())),
        schedule(makeSchedule(options.schedule)) {
    optimizer->useBackend(&backend);
    optimizer->initialize(graph.params().size());
  }

  bool higherIsBetter(const std::string& monitor, TaskKind task) const {
    if (options.earlyStopping.mode == "max") return true;
    if (options.earlyStopping.mode == "min") return false;
    std::string base = monitor.rfind("val_", 0) == 0 ? monitor.substr(4) : monitor;
    if (base == "loss") return false;
    return makeMetric(base, task)->higherIsBetter();
  }

  std::vector<std::unique_ptr<Metric>> makeMetrics(TaskKind task) const {
    std::vector<std::unique_ptr<Metric>> metrics;
    for (std::size_t i = 0; i < options.metrics.size(); ++i) {
      try {
        metrics.push_back(makeMetric(options.metrics[i], task));
      } catch (const ConfigError& e) {
        throw e.withPrefix("metrics[" + std::to_string(i) + "]");
      }
    }
    return metrics;
  }

  // Loss (mean per sample, plus regularisation) and metrics of `data` in evaluation mode.
  std::map<std::string, double> evaluate(const Dataset& data) {
    std::map<std::string, double> out;
    auto metrics = makeMetrics(data.task);
    TargetUnits units(data);
    LayerContext ctx{backend, rng, false};
    double lossSum = 0.0;
    const std::size_t batch = std::max<std::size_t>(options.batchSize, 1024);
    for (std::size_t begin = 0; begin < data.size(); begin += batch) {
      const std::size_t count = std::min(batch, data.size() - begin);
      const ConstMatrixView x = data.x.cview().rowRange(begin, count);
      const ConstMatrixView y = data.y.cview().rowRange(begin, count);
      const ConstMatrixView logits = graph.forward(ctx, x);
      lossSum += loss.compute(units.outputs(logits), units.targets(y), MatrixView{});
      updateMetrics(metrics, logits, y, units);
    }
    out["loss"] = lossSum / static_cast<double>(std::max<std::size_t>(data.size(), 1)) +
                  graph.regularizationPenalty();
    for (const auto& m : metrics) out[m->name()] = m->result();
    return out;
  }

  double trainEpoch(const Dataset& train, float lr, std::vector<std::unique_ptr<Metric>>& metrics,
                    bool& diverged);
  bool earlyStoppingSaysStop(const EpochRecord& record, bool monitorHigher);
  void keepIfBest(const EpochRecord& record);
  void restoreBestWeights(FitResult& result);
  void resumeFromLastEpoch();
  void endDiverged(const EpochRecord& record, double lossSum, FitResult& result);

  // Metrics that read only whether a sigmoid output is above 0.5 need its exponential only
  // for outputs near 0.5: the same counts for a fraction of the cost.
  bool sidesOfHalfSuffice(const std::vector<std::unique_ptr<Metric>>& metrics) const {
    const auto activation = graph.outputActivation();
    return activation && activation->kind == ActivationKind::Sigmoid &&
           std::all_of(metrics.begin(), metrics.end(),
                       [](const auto& m) { return m->readsOnlyTheSideOfHalf(); });
  }

  void updateMetrics(std::vector<std::unique_ptr<Metric>>& metrics, ConstMatrixView logits,
                     ConstMatrixView y, TargetUnits& units) {
    if (metrics.empty()) return;
    probabilities.resize(logits.rows, logits.cols);
    if (sidesOfHalfSuffice(metrics)) {
      sigmoidSidesOfHalf(logits, probabilities.view());
    } else {
      copyView(logits, probabilities.view());
      graph.applyOutputActivation(probabilities.view());
    }
    const ConstMatrixView outputs = units.outputs(probabilities.cview());
    const ConstMatrixView targets = units.targets(y);
    for (auto& m : metrics) m->update(outputs, targets);
  }
};

Trainer::Trainer(Graph& graph, Backend& backend, const Loss& loss, FitOptions options, Rng rng)
    : impl_(std::make_unique<Impl>(graph, backend, loss, std::move(options), rng)) {}

Trainer::~Trainer() = default;

namespace {

// The rows to train and validate on: validation_split takes the last rows of `train` before any
// shuffling, as Keras does, when no validation set is given.
struct FitData {
  Dataset splitTrain;
  Dataset splitValidation;
  const Dataset* train = nullptr;
  const Dataset* validation = nullptr;

  FitData(const Dataset& trainIn, const Dataset* validationIn, double validationSplit)
      : train(&trainIn), validation(validationIn) {
    if (validation == nullptr && validationSplit > 0.0) {
      const auto n = trainIn.size();
      const auto nValid = static_cast<std::size_t>(static_cast<double>(n) * validationSplit);
      std::vector<std::uint32_t> head(n - nValid);
      std::vector<std::uint32_t> tail(nValid);
      std::iota(head.begin(), head.end(), 0U);
      std::iota(tail.begin(), tail.end(), static_cast<std::uint32_t>(n - nValid));
      splitTrain = selectRows(trainIn, head);
      splitValidation = selectRows(trainIn, tail);
      train = &splitTrain;
      validation = &splitValidation;
    }
    if (validation != nullptr && validation->size() == 0) validation = nullptr;
    if (train->size() == 0) throw DataError("the training set is empty");
  }
};

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

// The sum of the batches' losses over one pass of the shuffled rows, in the target's units; stops
// at the first batch whose (optimised) loss is not finite and returns that loss.
double Trainer::Impl::trainEpoch(const Dataset& train, float lr,
                                 std::vector<std::unique_ptr<Metric>>& metrics, bool& diverged) {
  const std::size_t n = train.size();
  order.resize(n);
  std::iota(order.begin(), order.end(), 0U);
  if (options.shuffle) rng.shuffle(order);
  for (auto& m : metrics) m->reset();
  TargetUnits units(train);
  LayerContext ctx{backend, rng, true};
  double lossSum = 0.0;
  for (std::size_t begin = 0; begin < n; begin += options.batchSize) {
    const std::size_t count = std::min(options.batchSize, n - begin);
    gatherRows(train.x, order, begin, count, xBatch);
    gatherRows(train.y, order, begin, count, yBatch);
    const ConstMatrixView logits = graph.forward(ctx, xBatch.cview());
    gradient.resize(logits.rows, logits.cols);
    const double batchLoss = loss.compute(logits, yBatch.cview(), gradient.view());
    if (!std::isfinite(batchLoss)) {
      diverged = true;
      return batchLoss;
    }
    lossSum += reportedLoss(loss, logits, yBatch.cview(), batchLoss, units);
    updateMetrics(metrics, logits, yBatch.cview(), units);
    graph.backward(ctx, xBatch.cview(), gradient.cview());
    optimizer->step(graph.params(), graph.grads(), lr);
    graph.applyConstraints();  // as Keras, after every update
  }
  return lossSum;
}

// Keras EarlyStopping after an epoch: true when training should stop.
bool Trainer::Impl::earlyStoppingSaysStop(const EpochRecord& record, bool monitorHigher) {
  const EarlyStopping& es = options.earlyStopping;
  auto it = record.values.find(es.monitor);
  if (it == record.values.end()) {
    std::vector<std::string> names;
    for (const auto& [key, value] : record.values) names.push_back(key);
    throw ConfigError("early_stopping.monitor",
                      "'" + es.monitor + "' is not recorded; available: " + joinNames(names));
  }
  const double value = it->second;
  const bool improved = !watch.hasBest || (monitorHigher ? value - es.minDelta > watch.best
                                                         : value + es.minDelta < watch.best);
  if (improved) {
    watch.best = value;
    watch.hasBest = true;
    watch.wait = 0;
    watch.bestEpoch = record.epoch;
    if (es.restoreBestWeights) {
      watch.bestParams.assign(graph.params().begin(), graph.params().end());
      watch.bestState.assign(graph.state().begin(), graph.state().end());
    }
    return false;
  }
  if (record.epoch <= es.startFromEpoch) return false;
  return ++watch.wait >= es.patience;
}

// KeepBest after an epoch: a copy of the weights when its monitor is the best so far.
void Trainer::Impl::keepIfBest(const EpochRecord& record) {
  if (!options.keepBest) return;
  const auto it = record.values.find(options.keepBest->monitor);
  if (it == record.values.end() || !std::isfinite(it->second)) return;
  const double value = options.keepBest->maximize ? -it->second : it->second;
  if (kept.epoch > 0 && !(value < kept.minimised)) return;
  kept.epoch = record.epoch;
  kept.minimised = value;
  kept.params.assign(graph.params().begin(), graph.params().end());
  kept.state.assign(graph.state().begin(), graph.state().end());
}

// The model ends holding the best epoch's weights: KeepBest's, else early stopping's when asked
// to restore them (also after divergence: the model is then usable). The last epoch's weights
// are set aside: a checkpoint, and a later fit, go on from them.
void Trainer::Impl::restoreBestWeights(FitResult& result) {
  result.bestEpoch = epochsDone;
  result.history = history;
  const EarlyStopping& es = options.earlyStopping;
  const std::vector<float>* params = nullptr;
  const std::vector<float>* state = nullptr;
  if (options.keepBest && kept.epoch > 0) {
    params = &kept.params;
    state = &kept.state;
    result.bestEpoch = kept.epoch;
  } else if (es.enabled && es.restoreBestWeights && !watch.bestParams.empty()) {
    params = &watch.bestParams;
    state = &watch.bestState;
    result.bestEpoch = watch.bestEpoch;
  }
  if (params == nullptr || result.bestEpoch == epochsDone) return;
  lastWeights = ModelWeights{{graph.params().begin(), graph.params().end()},
                             {graph.state().begin(), graph.state().end()}};
  std::copy(params->begin(), params->end(), graph.params().begin());
  std::copy(state->begin(), state->end(), graph.state().begin());
}

void Trainer::Impl::resumeFromLastEpoch() {
  if (!lastWeights) return;
  std::copy(lastWeights->params.begin(), lastWeights->params.end(), graph.params().begin());
  std::copy(lastWeights->state.begin(), lastWeights->state.end(), graph.state().begin());
  lastWeights.reset();
}

// A NaN or infinite loss ends the fit; its epoch stays in the history, so the curve shows it.
void Trainer::Impl::endDiverged(const EpochRecord& record, double lossSum, FitResult& result) {
  history.push_back(record);
  epochsDone = record.epoch;
  result.status = FitStatus::Diverged;
  result.message = "loss became " + std::string(std::isnan(lossSum) ? "NaN" : "infinite") +
                   " at epoch " + std::to_string(record.epoch);
}

FitResult Trainer::fit(const Dataset& trainIn, const Dataset* validationIn,
                       const EpochCallback& onEpoch) {
  const FlushDenormals flush;
  Impl& s = *impl_;
  const FitOptions& opt = s.options;
  if (opt.batchSize == 0) throw ConfigError("batch_size", "must be at least 1");
  s.resumeFromLastEpoch();
  const FitData data(trainIn, validationIn, opt.validationSplit);
  const EarlyStopping& es = opt.earlyStopping;
  const bool monitorHigher = es.enabled && s.higherIsBetter(es.monitor, data.train->task);
  auto trainMetrics = s.makeMetrics(data.train->task);
  FitResult result;
  for (int epoch = s.epochsDone; epoch < opt.epochs; ++epoch) {
    const auto started = std::chrono::steady_clock::now();
    EpochRecord record;
    record.epoch = epoch + 1;
    const float lr = s.schedule->rate(epoch, s.optimizer->learningRate());
    record.learningRate = lr;
    bool diverged = false;
    const double lossSum = s.trainEpoch(*data.train, lr, trainMetrics, diverged);
    const auto n = static_cast<double>(data.train->size());
    record.values["loss"] = diverged ? lossSum : lossSum / n + s.graph.regularizationPenalty();
    if (diverged || !std::isfinite(record.values["loss"])) {
      record.seconds = secondsSince(started);
      s.endDiverged(record, lossSum, result);
      if (onEpoch) onEpoch(record);
      break;
    }
    for (const auto& m : trainMetrics) record.values[m->name()] = m->result();
    if (data.validation != nullptr) {
      for (const auto& [key, value] : s.evaluate(*data.validation)) {
        record.values["val_" + key] = value;
      }
    }
    record.seconds = secondsSince(started);
    s.history.push_back(record);
    s.epochsDone = epoch + 1;
    s.keepIfBest(record);
    const bool stop = es.enabled && s.earlyStoppingSaysStop(record, monitorHigher);
    if (auto monitored = s.schedule->monitor()) {
      auto it = record.values.find(*monitored);
      if (it != record.values.end()) s.schedule->onEpochEnd(epoch, it->second);
    }
    if (onEpoch && !onEpoch(record)) {
      result.status = FitStatus::Stopped;
      break;
    }
    if (stop) {
      result.status = FitStatus::EarlyStopped;
      result.message = es.monitor + " did not improve for " + std::to_string(es.patience) +
                       " epochs; best at epoch " + std::to_string(s.watch.bestEpoch);
      break;
    }
  }
  s.restoreBestWeights(result);
  return result;
}

std::map<std::string, double> Trainer::evaluate(const Dataset& data) {
  const FlushDenormals flush;
  return impl_->evaluate(data);
}

Matrix Trainer::predict(ConstMatrixView x) {
  return impl_->graph.predict(impl_->backend, impl_->rng, x);
}

Checkpoint Trainer::checkpoint() const {
  const Impl& s = *impl_;
  Checkpoint c;
  c.epochsDone = s.epochsDone;
  if (s.lastWeights) {
    c.params = s.lastWeights->params;
    c.state = s.lastWeights->state;
  } else {
    c.params.assign(s.graph.params().begin(), s.graph.params().end());
    c.state.assign(s.graph.state().begin(), s.graph.state().end());
  }
  c.optimizer = s.optimizer->saveState();
  c.rng = s.rng.state();
  c.schedule = s.schedule->saveState();
  c.earlyStopping = s.watch.toJson();
  c.keptBest = s.kept.toJson();
  c.history = s.history;
  return c;
}

void Trainer::restore(const Checkpoint& c) {
  Impl& s = *impl_;
  if (c.params.size() != s.graph.params().size() || c.state.size() != s.graph.state().size()) {
    throw Error("the checkpoint does not fit this model (" + std::to_string(c.params.size()) +
                " parameters saved, the model has " + std::to_string(s.graph.params().size()) +
                ")");
  }
  s.epochsDone = c.epochsDone;
  std::copy(c.params.begin(), c.params.end(), s.graph.params().begin());
  std::copy(c.state.begin(), c.state.end(), s.graph.state().begin());
  s.optimizer->loadState(c.optimizer);
  s.rng.setState(c.rng);
  s.schedule->loadState(c.schedule);
  s.watch.fromJson(c.earlyStopping);
  s.kept.fromJson(c.keptBest);
  s.lastWeights.reset();
  s.history = c.history;
}

}  // namespace tunelab
