#include "core/Metric.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

Metric::~Metric() = default;

namespace {

// Index of the largest value in row r.
std::size_t argmax(ConstMatrixView m, std::size_t r) {
  const auto row = m.row(r);
  return static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin());
}

class BinaryAccuracy final : public Metric {
 public:
  std::string name() const override { return "accuracy"; }
  bool higherIsBetter() const override { return true; }
  bool readsOnlyTheSideOfHalf() const override { return true; }
  void reset() override { correct_ = total_ = 0; }
  void update(ConstMatrixView p, ConstMatrixView y) override {
    for (std::size_t r = 0; r < p.rows; ++r) {
      correct_ += (p(r, 0) > 0.5F) == (y(r, 0) > 0.5F) ? 1 : 0;
    }
    total_ += p.rows;
  }
  double result() const override {
    return total_ == 0 ? 0.0 : static_cast<double>(correct_) / static_cast<double>(total_);
  }

 private:
  std::size_t correct_ = 0, total_ = 0;
};

class CategoricalAccuracy final : public Metric {
 public:
  explicit CategoricalAccuracy(bool oneHot) : oneHot_(oneHot) {}
  std::string name() const override { return "accuracy"; }
  bool higherIsBetter() const override { return true; }
  void reset() override { correct_ = total_ = 0; }
  void update(ConstMatrixView p, ConstMatrixView y) override {
    for (std::size_t r = 0; r < p.rows; ++r) {
      const std::size_t truth = oneHot_ ? argmax(y, r) : static_cast<std::size_t>(y(r, 0));
      correct_ += argmax(p, r) == truth ? 1 : 0;
    }
    total_ += p.rows;
  }
  double result() const override {
    return total_ == 0 ? 0.0 : static_cast<double>(correct_) / static_cast<double>(total_);
  }

 private:
  bool oneHot_;
  std::size_t correct_ = 0, total_ = 0;
};

// Precision or recall at threshold 0.5.
class BinaryRate final : public Metric {
 public:
  explicit BinaryRate(bool precision) : precision_(precision) {}
  std::string name() const override { return precision_ ? "precision" : "recall"; }
  bool higherIsBetter() const override { return true; }
  bool readsOnlyTheSideOfHalf() const override { return true; }
  void reset() override { tp_ = fp_ = fn_ = 0; }
  void update(ConstMatrixView p, ConstMatrixView y) override {
    for (std::size_t r = 0; r < p.rows; ++r) {
      const bool predicted = p(r, 0) > 0.5F;
      const bool actual = y(r, 0) > 0.5F;
      tp_ += predicted && actual ? 1 : 0;
      fp_ += predicted && !actual ? 1 : 0;
      fn_ += !predicted && actual ? 1 : 0;
    }
  }
  double result() const override {
    const std::size_t denominator = tp_ + (precision_ ? fp_ : fn_);
    return denominator == 0 ? 0.0 : static_cast<double>(tp_) / static_cast<double>(denominator);
  }

 private:
  bool precision_;
  std::size_t tp_ = 0, fp_ = 0, fn_ = 0;
};

// Exact ROC AUC: the Mann-Whitney statistic with ties counted half.
class Auc final : public Metric {
 public:
  std::string name() const override { return "auc"; }
  bool higherIsBetter() const override { return true; }
  void reset() override {
    scored_.clear();
    sawNan_ = false;
  }
  // A NaN score (a model whose weights went to NaN) makes the AUC undefined: NaN, as the loss.
  // It is not stored: NaN has no place in the order the ranks need.
  void update(ConstMatrixView p, ConstMatrixView y) override {
    for (std::size_t r = 0; r < p.rows; ++r) {
      if (std::isnan(p(r, 0))) {
        sawNan_ = true;
        continue;
      }
      scored_.emplace_back(p(r, 0), y(r, 0) > 0.5F);
    }
  }
  double result() const override {
    if (sawNan_) return std::numeric_limits<double>::quiet_NaN();
    auto sorted = scored_;
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    double rankSumPositive = 0.0;
    std::size_t positives = 0;
    for (std::size_t i = 0; i < sorted.size();) {
      std::size_t j = i;
      while (j < sorted.size() && sorted[j].first == sorted[i].first) ++j;
      const double averageRank = 0.5 * static_cast<double>(i + 1 + j);  // ranks i+1..j
      for (std::size_t k = i; k < j; ++k) {
        if (sorted[k].second) {
          rankSumPositive += averageRank;
          ++positives;
        }
      }
      i = j;
    }
    const std::size_t negatives = sorted.size() - positives;
    if (positives == 0 || negatives == 0) return 0.0;
    const auto pos = static_cast<double>(positives);
    return (rankSumPositive - pos * (pos + 1.0) / 2.0) / (pos * static_cast<double>(negatives));
  }

 private:
  std::vector<std::pair<float, bool>> scored_;
  bool sawNan_ = false;
};

// mse, mae, rmse, r2 from streamed sums over all rows and columns.
class RegressionMetric final : public Metric {
 public:
  explicit RegressionMetric(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  bool higherIsBetter() const override { return name_ == "r2"; }
  void reset() override { count_ = 0, sumSq_ = sumAbs_ = sumY_ = sumY2_ = 0.0; }
  void update(ConstMatrixView p, ConstMatrixView y) override {
    for (std::size_t r = 0; r < p.rows; ++r) {
      for (std::size_t c = 0; c < p.cols; ++c) {
        const double e = static_cast<double>(p(r, c)) - y(r, c);
        sumSq_ += e * e;
        sumAbs_ += std::fabs(e);
        sumY_ += y(r, c);
        sumY2_ += static_cast<double>(y(r, c)) * y(r, c);
        ++count_;
      }
    }
  }
  double result() const override {
    if (count_ == 0) return 0.0;
    const auto n = static_cast<double>(count_);
    if (name_ == "mse") return sumSq_ / n;
    if (name_ == "mae") return sumAbs_ / n;
    if (name_ == "rmse") return std::sqrt(sumSq_ / n);
    const double total = sumY2_ - sumY_ * sumY_ / n;
    return total <= 0.0 ? 0.0 : 1.0 - sumSq_ / total;
  }

 private:
  std::string name_;
  std::size_t count_ = 0;
  double sumSq_ = 0.0, sumAbs_ = 0.0, sumY_ = 0.0, sumY2_ = 0.0;
};

}  // namespace

std::vector<std::string> metricNames(TaskKind task) {
  switch (task) {
    case TaskKind::Binary:
      return {"accuracy", "auc", "precision", "recall", "mse", "mae", "rmse"};
    case TaskKind::Multiclass:
      return {"accuracy"};
    case TaskKind::Regression:
      return {"mse", "mae", "rmse", "r2"};
  }
  return {};
}

std::unique_ptr<Metric> makeMetric(const std::string& name, TaskKind task, bool oneHotTargets) {
  const auto valid = metricNames(task);
  if (std::find(valid.begin(), valid.end(), name) == valid.end()) {
    std::string message =
        "metric '" + name + "' does not apply to a " + std::string(taskName(task)) + " task";
    if (auto near = nearestName(name, valid); !near.empty()) {
      message += " (did you mean '" + near + "'?)";
    }
    throw ConfigError("", message + "; valid metrics: " + joinNames(valid));
  }
  if (name == "accuracy") {
    if (task == TaskKind::Binary) return std::make_unique<BinaryAccuracy>();
    return std::make_unique<CategoricalAccuracy>(oneHotTargets);
  }
  if (name == "auc") return std::make_unique<Auc>();
  if (name == "precision") return std::make_unique<BinaryRate>(true);
  if (name == "recall") return std::make_unique<BinaryRate>(false);
  return std::make_unique<RegressionMetric>(name);
}

}  // namespace tunelab
