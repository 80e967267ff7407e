// The synthetic half of the search benchmark: BBOB-style noiseless functions whose optimum
// is moved away from the centre (a fixed shift, sign flips and, for two of them, a rotation,
// all drawn once from the problem's own seed), Branin and Hartmann-6 as they are published,
// and spaces with integer, log-scaled, categorical and conditional parameters whose optimum
// is known by construction.
#include <Eigen/QR>
#include <cmath>
#include <map>

#include "bench/search/SearchProblems.h"
#include "bench/search/TestFunctions.h"
#include "core/Rng.h"

namespace tunelab::bench {

namespace {

using nlohmann::json;
using Function = double (*)(std::span<const double>);

// "x1", "x2", ...; built by appending (GCC 12 -Wrestrict misfires on "x" + to_string at -O3).
std::string coordinateName(std::size_t i) {
  std::string name = "x";
  name.append(std::to_string(i + 1));
  return name;
}

struct BoxSpec {
  std::string name;
  std::string kind;
  Function f;
  std::size_t dims;
  double low;
  double high;
  double shift;  // optimum moved by up to this much per coordinate
  bool rotate;   // z = R (x - s): not separable
  double minimum;
};

void addBoxParameters(SearchProblem& p, std::size_t dims, double low, double high) {
  p.parameters = json::object();
  for (std::size_t i = 0; i < dims; ++i) {
    p.order.push_back(coordinateName(i));
    p.parameters[p.order.back()] = {{"min", low}, {"max", high}};
  }
}

std::vector<double> coordinates(const json& params, std::size_t dims) {
  std::vector<double> x(dims);
  for (std::size_t i = 0; i < dims; ++i) x[i] = params.at(coordinateName(i)).get<double>();
  return x;
}

SearchProblem boxProblem(const BoxSpec& spec, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::VectorXd shift(static_cast<Eigen::Index>(spec.dims));
  Eigen::VectorXd sign(shift.size());
  for (Eigen::Index i = 0; i < shift.size(); ++i) {
    shift[i] = spec.shift * (2 * rng.uniformDouble() - 1);
    sign[i] = rng.uniformDouble() < 0.5 ? -1.0 : 1.0;
  }
  Eigen::MatrixXd rotation = Eigen::MatrixXd::Identity(shift.size(), shift.size());
  if (spec.rotate) {
    Eigen::MatrixXd gaussian(shift.size(), shift.size());
    for (Eigen::Index i = 0; i < gaussian.size(); ++i) gaussian.data()[i] = rng.normal();
    rotation = Eigen::HouseholderQR<Eigen::MatrixXd>(gaussian).householderQ();
  }
  SearchProblem p;
  p.name = spec.name;
  p.kind = spec.kind;
  addBoxParameters(p, spec.dims, spec.low, spec.high);
  p.minimum = spec.minimum;
  p.evaluate = [spec, shift, sign, rotation](const json& params) {
    const std::vector<double> x = coordinates(params, spec.dims);
    const Eigen::VectorXd centred =
        (Eigen::Map<const Eigen::VectorXd>(x.data(), shift.size()) - shift).cwiseProduct(sign);
    const Eigen::VectorXd z = rotation * centred;
    return spec.f(std::span<const double>(z.data(), static_cast<std::size_t>(z.size())));
  };
  return p;
}

SearchProblem publishedProblem(const std::string& name, Function f, std::size_t dims,
                               std::vector<std::pair<double, double>> bounds, double minimum) {
  SearchProblem p;
  p.name = name;
  p.kind = "regression guard";
  p.parameters = json::object();
  for (std::size_t i = 0; i < dims; ++i) {
    p.order.push_back(coordinateName(i));
    p.parameters[p.order.back()] = {{"min", bounds[i].first}, {"max", bounds[i].second}};
  }
  p.minimum = minimum;
  p.evaluate = [f, dims](const json& params) { return f(coordinates(params, dims)); };
  return p;
}

double square(double v) { return v * v; }

// A float, a log-scaled float, an integer and a 3-way categorical whose best float depends on
// the category.
SearchProblem mixedFour() {
  SearchProblem p;
  p.name = "mixed-4";
  p.kind = "mixed";
  p.parameters = json::parse(R"({"x": {"min": -5.0, "max": 5.0},
      "lr": {"min": 1e-5, "max": 1.0, "distribution": "log_uniform"},
      "n": {"min": 1, "max": 32}, "act": {"values": ["relu", "tanh", "sigmoid"]}})");
  p.order = {"x", "lr", "n", "act"};
  p.minimum = 0.0;
  p.evaluate = [](const json& q) {
    static const std::map<std::string, std::pair<double, double>> centreAndOffset{
        {"relu", {1.3, 0.35}}, {"tanh", {-2.1, 0.0}}, {"sigmoid", {0.4, 0.8}}};
    const auto [centre, offset] = centreAndOffset.at(q.at("act").get<std::string>());
    const double logLr = std::log10(q.at("lr").get<double>());
    const double n = q.at("n").get<double>();
    return square((q.at("x").get<double>() - centre) / 3) + square(logLr + 2.7) / 4 +
           square((n - 11) / 8 - (logLr + 2.7) / 4) + offset;
  };
  return p;
}

// Integers (uniform and log-scaled) with two floats.
SearchProblem integersSix() {
  SearchProblem p;
  p.name = "integers-6";
  p.kind = "mixed";
  p.parameters = json::parse(R"({"a": {"min": 0, "max": 20}, "b": {"min": -5, "max": 5},
      "c": {"min": 1, "max": 1024, "distribution": "int_log_uniform"}, "d": {"min": 1, "max": 8},
      "u": {"min": 0.0, "max": 1.0}, "v": {"min": -1.0, "max": 1.0}})");
  p.order = {"a", "b", "c", "d", "u", "v"};
  p.minimum = 0.0;
  p.evaluate = [](const json& q) {
    const double a = q.at("a").get<double>();
    const double u = q.at("u").get<double>();
    return square((a - 13) / 6 + (u - 0.71)) + square(u - 0.71) * 2 +
           square((q.at("b").get<double>() + 2) / 3) +
           square(std::log2(q.at("c").get<double>()) - std::log2(45.0)) / 9 +
           square(q.at("d").get<double>() - 6) / 4 + 2 * std::abs(q.at("v").get<double>() + 0.35);
  };
  return p;
}

// Three categoricals (one of numbers) and two floats whose best values depend on them.
SearchProblem categoricalFive() {
  SearchProblem p;
  p.name = "categorical-5";
  p.kind = "mixed";
  p.parameters = json::parse(R"({"c1": {"values": ["a", "b", "c", "d"]},
      "c2": {"values": [1, 2, 3, 4, 5]}, "c3": {"values": ["x", "y", "z"]},
      "u": {"min": 0.0, "max": 1.0}, "v": {"min": 0.0, "max": 1.0}})");
  p.order = {"c1", "c2", "c3", "u", "v"};
  p.minimum = 0.0;
  p.evaluate = [](const json& q) {
    static const std::map<std::string, std::pair<double, double>> c1{
        {"a", {0.8, 0.2}}, {"b", {0.3, 0.9}}, {"c", {0.0, 0.35}}, {"d", {1.1, 0.6}}};
    static const std::map<int, double> c2{{1, 0.5}, {2, 0.9}, {3, 0.2}, {4, 0.0}, {5, 0.7}};
    static const std::map<std::string, std::pair<double, double>> c3{
        {"x", {0.4, 0.8}}, {"y", {0.0, 0.15}}, {"z", {0.6, 0.5}}};
    const auto [offset1, uBest] = c1.at(q.at("c1").get<std::string>());
    const auto [offset3, vBest] = c3.at(q.at("c3").get<std::string>());
    const int v2 = q.at("c2").get<int>();
    const double clash = v2 == 4 && q.at("c1") != "c" ? 0.5 : 0.0;
    return offset1 + c2.at(v2) + offset3 + clash + 3 * square(q.at("u").get<double>() - uBest) +
           3 * square(q.at("v").get<double>() - vBest);
  };
  return p;
}

// An optimiser choice whose own settings exist only in its branch.
SearchProblem conditionalSpace() {
  SearchProblem p;
  p.name = "conditional";
  p.kind = "conditional";
  p.parameters = json::parse(R"({"optimizer": {"values": ["sgd", "adam", "rmsprop"]},
      "lr": {"min": 1e-5, "max": 1.0, "distribution": "log_uniform"},
      "momentum": {"min": 0.0, "max": 0.99, "when": {"optimizer": "sgd"}},
      "nesterov": {"values": [false, true], "when": {"optimizer": "sgd"}},
      "beta1": {"min": 0.5, "max": 0.999, "when": {"optimizer": "adam"}},
      "rho": {"min": 0.5, "max": 0.999, "when": {"optimizer": "rmsprop"}},
      "layers": {"min": 1, "max": 4}, "dropout": {"min": 0.0, "max": 0.5}})");
  p.order = {"optimizer", "lr", "momentum", "nesterov", "beta1", "rho", "layers", "dropout"};
  p.minimum = 0.0;
  p.evaluate = [](const json& q) {
    const std::string optimizer = q.at("optimizer").get<std::string>();
    const double logLr = std::log10(q.at("lr").get<double>());
    double branch = 0;
    double bestLogLr = -3.1;
    if (optimizer == "sgd") {
      bestLogLr = -1.3;
      branch = 0.3 + 4 * square(q.at("momentum").get<double>() - 0.9) +
               (q.at("nesterov").get<bool>() ? 0.0 : 0.1);
    } else if (optimizer == "adam") {
      branch = 8 * square(q.at("beta1").get<double>() - 0.85);
    } else {
      bestLogLr = -2.6;
      branch = 0.15 + 8 * square(q.at("rho").get<double>() - 0.95);
    }
    return branch + square((logLr - bestLogLr) / 1.5) +
           square((q.at("layers").get<double>() - 3) / 2) +
           4 * square(q.at("dropout").get<double>() - 0.15);
  };
  return p;
}

// Eight parameters of every kind, multimodal in its floats.
SearchProblem mixedEight() {
  SearchProblem p;
  p.name = "mixed-8";
  p.kind = "mixed";
  p.parameters = json::parse(R"({"x1": {"min": -3.0, "max": 3.0}, "x2": {"min": -3.0, "max": 3.0},
      "x3": {"min": -3.0, "max": 3.0},
      "lr": {"min": 1e-6, "max": 1.0, "distribution": "log_uniform"},
      "width": {"min": 4, "max": 512, "distribution": "int_log_uniform"},
      "depth": {"min": 1, "max": 6},
      "act": {"values": ["relu", "gelu", "tanh", "elu", "selu"]},
      "norm": {"values": ["none", "batch", "layer"]}})");
  p.order = {"x1", "x2", "x3", "lr", "width", "depth", "act", "norm"};
  p.minimum = 0.0;
  p.evaluate = [](const json& q) {
    static const std::map<std::string, double> act{
        {"relu", 0.2}, {"gelu", 0.0}, {"tanh", 0.5}, {"elu", 0.1}, {"selu", 0.3}};
    static const std::map<std::string, double> norm{{"none", 0.4}, {"batch", 0.1}, {"layer", 0.0}};
    const double z[3] = {q.at("x1").get<double>() - 1.2, q.at("x2").get<double>() + 0.7,
                         q.at("x3").get<double>() - 0.3};
    const std::string a = q.at("act").get<std::string>();
    const std::string n = q.at("norm").get<std::string>();
    return rastrigin(z) / 10 + square((std::log10(q.at("lr").get<double>()) + 3.3) / 1.5) +
           square(std::log2(q.at("width").get<double>()) - std::log2(96.0)) / 4 +
           square((q.at("depth").get<double>() - 4) / 2) + act.at(a) + norm.at(n) +
           (a == "tanh" && n != "layer" ? 0.3 : 0.0);
  };
  return p;
}

}  // namespace

std::vector<SearchProblem> syntheticProblems() {
  const double styblinski = -39.16616570377142;
  const std::vector<BoxSpec> boxes{
      {"sphere-5", "smooth", sphere, 5, -5, 5, 4, false, 0},
      {"sphere-10", "smooth", sphere, 10, -5, 5, 4, false, 0},
      {"ellipsoid-6", "ill-conditioned", ellipsoid, 6, -5, 5, 4, false, 0},
      {"rotated-ellipsoid-4", "ill-conditioned", ellipsoid, 4, -5, 5, 3, true, 0},
      {"rosenbrock-4", "ill-conditioned", rosenbrock, 4, -5, 5, 3, false, 0},
      {"sharp-ridge-4", "ill-conditioned", sharpRidge, 4, -5, 5, 3, true, 0},
      {"rastrigin-4", "multimodal", rastrigin, 4, -5.12, 5.12, 2, false, 0},
      {"ackley-5", "multimodal", ackley, 5, -32.768, 32.768, 15, false, 0},
      {"levy-6", "multimodal", levy, 6, -10, 10, 6, false, 0},
      {"levy-10", "multimodal", levy, 10, -10, 10, 6, false, 0},
      {"griewank-4", "multimodal", griewank, 4, -10, 10, 5, false, 0},
      {"schwefel-3", "multimodal", schwefel, 3, -500, 500, 0, false, 0},
      {"styblinski-tang-5", "multimodal", styblinskiTang, 5, -5, 5, 1.5, false, 5 * styblinski},
      {"step-ellipsoid-4", "plateau", stepEllipsoid, 4, -5, 5, 4, false, 0},
  };
  std::vector<SearchProblem> problems;
  std::uint64_t seed = 1000;
  for (const auto& box : boxes) problems.push_back(boxProblem(box, ++seed));
  problems.push_back(
      publishedProblem("branin", branin, 2, {{-5.0, 10.0}, {0.0, 15.0}}, 0.397887357729739));
  problems.push_back(publishedProblem("hartmann-6", hartmann6, 6,
                                      std::vector<std::pair<double, double>>(6, {0.0, 1.0}),
                                      -3.32236801141551));
  for (auto make : {mixedFour, integersSix, categoricalFive, conditionalSpace, mixedEight}) {
    problems.push_back(make());
  }
  return problems;
}

}  // namespace tunelab::bench
