#include "core/Loss.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/Error.h"
#include "core/Options.h"
#include "core/UnitLog1p.h"

namespace tunelab {

Loss::~Loss() = default;

std::optional<ActivationKind> Loss::fusedActivation() const { return std::nullopt; }

void Loss::checkOutput(std::size_t /*outputUnits*/, Activation /*lastActivation*/) const {}

namespace {

bool wantGrad(MatrixView grad) { return grad.data != nullptr; }

class BinaryCrossentropy final : public Loss {
 public:
  std::string_view name() const override { return "binary_crossentropy"; }
  std::optional<ActivationKind> fusedActivation() const override { return ActivationKind::Sigmoid; }
  void checkOutput(std::size_t units, Activation last) const override {
    if (units != 1 || last.kind != ActivationKind::Sigmoid) {
      throw ConfigError("",
                        "binary_crossentropy needs an output layer with 1 unit and sigmoid "
                        "activation; the last layer has " +
                            std::to_string(units) + " unit" + (units == 1 ? "" : "s") + " and " +
                            std::string(activationName(last.kind)) + " activation");
    }
  }
  // Per sample: log(1 + e^z) - y z, the cross-entropy of sigmoid(z) written stably as
  // max(z, 0) + log(1 + e^-|z|) - y z, and its gradient sigmoid(z) - y from the same e^-|z|.
  double compute(ConstMatrixView z, ConstMatrixView y, MatrixView grad) const override {
    Chunk c;
    double sum = 0.0;
    const auto inv = 1.0F / static_cast<float>(z.rows);
    for (std::size_t begin = 0; begin < z.rows; begin += kChunk) {
      const std::size_t n = std::min(kChunk, z.rows - begin);
      c.load(z, y, begin, n);
      if (wantGrad(grad)) c.storeGradient(grad, begin, n, inv);
      sum = c.addLossesTo(sum, n);  // in row order across chunks: the sum's bits
    }
    return sum;
  }

 private:
  // Rows a chunk at a time: the exponentials row by row (glibc's, whose bits the gradient has
  // always had), then the gradient and the logarithms in vector lanes, then the sum in row
  // order.
  static constexpr std::size_t kChunk = 64;
  struct Chunk {
    std::array<double, kChunk> z;
    std::array<double, kChunk> y;
    std::array<double, kChunk> e;  // e^-|z|
    std::array<double, kChunk> loss;
    std::array<float, kChunk> grad;

    void load(ConstMatrixView logits, ConstMatrixView targets, std::size_t begin, std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) {
        z[i] = logits(begin + i, 0);
        y[i] = targets(begin + i, 0);
        e[i] = std::exp(-std::fabs(z[i]));
      }
    }
    void storeGradient(MatrixView out, std::size_t begin, std::size_t n, float inv) {
      for (std::size_t i = 0; i < n; ++i) {
        const double p = (z[i] >= 0 ? 1.0 : e[i]) / (1.0 + e[i]);
        grad[i] = static_cast<float>(p - y[i]) * inv;
      }
      for (std::size_t i = 0; i < n; ++i) out(begin + i, 0) = grad[i];
    }
    double addLossesTo(double sum, std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) {
        loss[i] = std::max(z[i], 0.0) + unitLog1p(e[i]) - y[i] * z[i];
      }
      for (std::size_t i = 0; i < n; ++i) sum += loss[i];
      return sum;
    }
  };
};

// Softmax cross-entropy from logits via log-sum-exp; `classOf(r)` or one-hot targets.
class SoftmaxCrossentropy : public Loss {
 public:
  std::optional<ActivationKind> fusedActivation() const override { return ActivationKind::Softmax; }
  void checkOutput(std::size_t units, Activation last) const override {
    if (units < 2 || last.kind != ActivationKind::Softmax) {
      throw ConfigError("", std::string(name()) +
                                " needs an output layer with one unit per class (at least 2) and "
                                "softmax activation; the last layer has " +
                                std::to_string(units) + " unit" + (units == 1 ? "" : "s") +
                                " and " + std::string(activationName(last.kind)) + " activation");
    }
  }
  double compute(ConstMatrixView z, ConstMatrixView y, MatrixView grad) const override {
    double sum = 0.0;
    const double inv = 1.0 / static_cast<double>(z.rows);
    for (std::size_t r = 0; r < z.rows; ++r) {
      const auto row = z.row(r);
      const double top = *std::max_element(row.begin(), row.end());
      double total = 0.0;
      for (float v : row) total += std::exp(v - top);
      const double logSum = top + std::log(total);
      for (std::size_t c = 0; c < z.cols; ++c) {
        const double target = targetProbability(y, r, c);
        if (target != 0.0) sum += target * (logSum - row[c]);
        if (wantGrad(grad)) {
          grad(r, c) = static_cast<float>((std::exp(row[c] - logSum) - target) * inv);
        }
      }
    }
    return sum;
  }

 protected:
  virtual double targetProbability(ConstMatrixView y, std::size_t r, std::size_t c) const = 0;
};

class CategoricalCrossentropy final : public SoftmaxCrossentropy {
 public:
  std::string_view name() const override { return "categorical_crossentropy"; }

 protected:
  double targetProbability(ConstMatrixView y, std::size_t r, std::size_t c) const override {
    return y(r, c);
  }
};

class SparseCategoricalCrossentropy final : public SoftmaxCrossentropy {
 public:
  std::string_view name() const override { return "sparse_categorical_crossentropy"; }

 protected:
  double targetProbability(ConstMatrixView y, std::size_t r, std::size_t c) const override {
    return static_cast<std::size_t>(y(r, 0)) == c ? 1.0 : 0.0;
  }
};

// mse, mae, huber: mean over the output columns per sample, as Keras.
class ElementwiseLoss : public Loss {
 public:
  double compute(ConstMatrixView p, ConstMatrixView y, MatrixView grad) const override {
    double sum = 0.0;
    const double perColumn = 1.0 / static_cast<double>(p.cols);
    const double inv = perColumn / static_cast<double>(p.rows);
    for (std::size_t r = 0; r < p.rows; ++r) {
      for (std::size_t c = 0; c < p.cols; ++c) {
        const double e = static_cast<double>(p(r, c)) - y(r, c);
        sum += value(e) * perColumn;
        if (wantGrad(grad)) grad(r, c) = static_cast<float>(derivative(e) * inv);
      }
    }
    return sum;
  }

 protected:
  virtual double value(double error) const = 0;
  virtual double derivative(double error) const = 0;
};

class MeanSquaredError final : public ElementwiseLoss {
 public:
  std::string_view name() const override { return "mse"; }

 protected:
  double value(double e) const override { return e * e; }
  double derivative(double e) const override { return 2.0 * e; }
};

class MeanAbsoluteError final : public ElementwiseLoss {
 public:
  std::string_view name() const override { return "mae"; }

 protected:
  double value(double e) const override { return std::fabs(e); }
  double derivative(double e) const override { return e > 0 ? 1.0 : (e < 0 ? -1.0 : 0.0); }
};

class Huber final : public ElementwiseLoss {
 public:
  explicit Huber(double delta) : delta_(delta) {}
  std::string_view name() const override { return "huber"; }

 protected:
  double value(double e) const override {
    const double a = std::fabs(e);
    return a <= delta_ ? 0.5 * e * e : delta_ * (a - 0.5 * delta_);
  }
  double derivative(double e) const override { return std::clamp(e, -delta_, delta_); }

 private:
  double delta_;
};

}  // namespace

std::vector<std::string> lossNames() {
  return {"binary_crossentropy",
          "categorical_crossentropy",
          "sparse_categorical_crossentropy",
          "mse",
          "mae",
          "huber"};
}

std::unique_ptr<Loss> makeLoss(const nlohmann::json& spec) {
  std::string type;
  std::optional<Options> o;
  if (spec.is_string()) {
    type = spec.get<std::string>();
  } else {
    o.emplace(spec, "a loss");
    type = o->string("type");
  }
  // Keras' long aliases.
  if (type == "mean_squared_error") type = "mse";
  if (type == "mean_absolute_error") type = "mae";
  std::unique_ptr<Loss> loss;
  if (type == "binary_crossentropy") loss = std::make_unique<BinaryCrossentropy>();
  if (type == "categorical_crossentropy") loss = std::make_unique<CategoricalCrossentropy>();
  if (type == "sparse_categorical_crossentropy") {
    loss = std::make_unique<SparseCategoricalCrossentropy>();
  }
  if (type == "mse") loss = std::make_unique<MeanSquaredError>();
  if (type == "mae") loss = std::make_unique<MeanAbsoluteError>();
  if (type == "huber") {
    loss = std::make_unique<Huber>(o ? o->number("delta", 1.0, {.min = 0, .minExclusive = true})
                                     : 1.0);
  }
  if (!loss) {
    std::string message = "unknown loss '" + type + "'";
    if (auto near = nearestName(type, lossNames()); !near.empty()) {
      message += " (did you mean '" + near + "'?)";
    }
    throw ConfigError(o ? "type" : "", message + "; valid losses: " + joinNames(lossNames()));
  }
  if (o) o->finish();
  return loss;
}

}  // namespace tunelab
