#include "core/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/Error.h"
#include "core/FlushDenormals.h"
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

// Copies rows `order[begin, begin + count)` of `from` into `to` (count x from.cols).
void gatherRows(const Matrix& from, const std::vector<std::uint32_t>& order, std::size_t begin,
                std::size_t count, Matrix& to) {
  to.resize(count, from.cols());
  const std::size_t cols = from.cols();
  for (std::size_t r = 0; r < count; ++r) {
    const float* src = from.data() + static_cast<std::size_t>(order[begin + r]) * cols;
    std::copy(src, src + cols, to.data() + r * cols);
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
  Matrix xBatch, yBatch, gradient, probabilities;
  std::vector<std::uint32_t> order;

  Impl(Graph& g, Backend& b, const Loss& l, FitOptions o, Rng r)
      : graph(g), backend(b), loss(l), options(std::move(o)), rng(r) {
    try {
      optimizer = makeOptimizer(options.optimizer, graph.tensorBounds());
      optimizer->useBackend(&backend);
    } catch (const ConfigError& e) {
      throw e.withPrefix("optimizer");
    }
    try {
      schedule = makeSchedule(options.schedule);
    } catch (const ConfigError& e) {
      throw e.withPrefix("learning_rate_schedule");
    }
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
    LayerContext ctx{backend, rng, false};
    double lossSum = 0.0;
    const std::size_t batch = std::max<std::size_t>(options.batchSize, 1024);
    for (std::size_t begin = 0; begin < data.size(); begin += batch) {
      const std::size_t count = std::min(batch, data.size() - begin);
      const ConstMatrixView x = data.x.cview().rowRange(begin, count);
      const ConstMatrixView y = data.y.cview().rowRange(begin, count);
      const ConstMatrixView logits = graph.forward(ctx, x);
      lossSum += loss.compute(logits, y, MatrixView{});
      updateMetrics(metrics, logits, y);
    }
    out["loss"] = lossSum / static_cast<double>(std::max<std::size_t>(data.size(), 1)) +
                  graph.regularizationPenalty();
    for (const auto& m : metrics) out[m->name()] = m->result();
    return out;
  }

  void updateMetrics(std::vector<std::unique_ptr<Metric>>& metrics, ConstMatrixView logits,
                     ConstMatrixView y) {
    if (metrics.empty()) return;
    probabilities.resize(logits.rows, logits.cols);
    for (std::size_t r = 0; r < logits.rows; ++r) {
      std::copy(logits.row(r).begin(), logits.row(r).end(), probabilities.view().row(r).begin());
    }
    graph.applyOutputActivation(probabilities.view());
    for (auto& m : metrics) m->update(probabilities.cview(), y);
  }
};

Trainer::Trainer(Graph& graph, Backend& backend, const Loss& loss, FitOptions options, Rng rng)
    : impl_(std::make_unique<Impl>(graph, backend, loss, std::move(options), rng)) {}

Trainer::~Trainer() = default;

FitResult Trainer::fit(const Dataset& trainIn, const Dataset* validationIn,
                       const EpochCallback& onEpoch) {
  const FlushDenormals flush;
  Impl& s = *impl_;
  const FitOptions& opt = s.options;
  if (opt.batchSize == 0) throw ConfigError("batch_size", "must be at least 1");

  // validation_split takes the last rows before any shuffling, as Keras does.
  Dataset splitTrain;
  Dataset splitValidation;
  const Dataset* train = &trainIn;
  const Dataset* validation = validationIn;
  if (validation == nullptr && opt.validationSplit > 0.0) {
    const auto n = trainIn.size();
    const auto nValid = static_cast<std::size_t>(static_cast<double>(n) * opt.validationSplit);
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

  const EarlyStopping& es = opt.earlyStopping;
  const bool monitorHigher = es.enabled && s.higherIsBetter(es.monitor, train->task);
  auto trainMetrics = s.makeMetrics(train->task);

  FitResult result;
  result.status = FitStatus::Completed;
  const std::size_t n = train->size();
  s.order.resize(n);
  LayerContext ctx{s.backend, s.rng, true};

  for (int epoch = s.epochsDone; epoch < opt.epochs; ++epoch) {
    const auto started = std::chrono::steady_clock::now();
    const float lr = s.schedule->rate(epoch, s.optimizer->learningRate());
    std::iota(s.order.begin(), s.order.end(), 0U);
    if (opt.shuffle) s.rng.shuffle(s.order);
    for (auto& m : trainMetrics) m->reset();

    double lossSum = 0.0;
    bool diverged = false;
    for (std::size_t begin = 0; begin < n; begin += opt.batchSize) {
      const std::size_t count = std::min(opt.batchSize, n - begin);
      gatherRows(train->x, s.order, begin, count, s.xBatch);
      gatherRows(train->y, s.order, begin, count, s.yBatch);
      const ConstMatrixView logits = s.graph.forward(ctx, s.xBatch.cview());
      s.gradient.resize(logits.rows, logits.cols);
      const double batchLoss = s.loss.compute(logits, s.yBatch.cview(), s.gradient.view());
      if (!std::isfinite(batchLoss)) {
        lossSum = batchLoss;
        diverged = true;
        break;
      }
      lossSum += batchLoss;
      s.updateMetrics(trainMetrics, logits, s.yBatch.cview());
      s.graph.backward(ctx, s.xBatch.cview(), s.gradient.cview());
      s.optimizer->step(s.graph.params(), s.graph.grads(), lr);
    }

    EpochRecord record;
    record.epoch = epoch + 1;
    record.learningRate = lr;
    const double penalty = s.graph.regularizationPenalty();
    record.values["loss"] = diverged ? lossSum : lossSum / static_cast<double>(n) + penalty;
    if (!diverged && !std::isfinite(record.values["loss"])) diverged = true;
    if (diverged) {
      record.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      s.history.push_back(record);
      s.epochsDone = epoch + 1;
      result.status = FitStatus::Diverged;
      result.message = "loss became " + std::string(std::isnan(lossSum) ? "NaN" : "infinite") +
                       " at epoch " + std::to_string(epoch + 1);
      if (onEpoch) onEpoch(record);
      break;
    }
    for (const auto& m : trainMetrics) record.values[m->name()] = m->result();
    if (validation != nullptr) {
      for (const auto& [key, value] : s.evaluate(*validation)) record.values["val_" + key] = value;
    }
    record.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    s.history.push_back(record);
    s.epochsDone = epoch + 1;

    bool stop = false;
    if (es.enabled) {
      auto it = record.values.find(es.monitor);
      if (it == record.values.end()) {
        std::vector<std::string> names;
        for (const auto& [key, value] : record.values) names.push_back(key);
        throw ConfigError("early_stopping.monitor",
                          "'" + es.monitor + "' is not recorded; available: " + joinNames(names));
      }
      const double value = it->second;
      const bool improved =
          !s.watch.hasBest ||
          (monitorHigher ? value - es.minDelta > s.watch.best : value + es.minDelta < s.watch.best);
      if (improved) {
        s.watch.best = value;
        s.watch.hasBest = true;
        s.watch.wait = 0;
        s.watch.bestEpoch = epoch + 1;
        if (es.restoreBestWeights) {
          s.watch.bestParams.assign(s.graph.params().begin(), s.graph.params().end());
          s.watch.bestState.assign(s.graph.state().begin(), s.graph.state().end());
        }
      } else if (epoch + 1 > es.startFromEpoch) {
        ++s.watch.wait;
        if (s.watch.wait >= es.patience) stop = true;
      }
    }
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

  // Best weights are restored whenever asked, also after divergence: the model is then usable.
  result.bestEpoch = s.epochsDone;
  if (es.enabled && es.restoreBestWeights && !s.watch.bestParams.empty()) {
    std::copy(s.watch.bestParams.begin(), s.watch.bestParams.end(), s.graph.params().begin());
    std::copy(s.watch.bestState.begin(), s.watch.bestState.end(), s.graph.state().begin());
    result.bestEpoch = s.watch.bestEpoch;
  }
  result.history = s.history;
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
  c.params.assign(s.graph.params().begin(), s.graph.params().end());
  c.state.assign(s.graph.state().begin(), s.graph.state().end());
  c.optimizer = s.optimizer->saveState();
  c.rng = s.rng.state();
  c.schedule = s.schedule->saveState();
  c.earlyStopping = s.watch.toJson();
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
  s.history = c.history;
}

}  // namespace tunelab
