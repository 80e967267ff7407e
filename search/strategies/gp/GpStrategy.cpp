#include "search/strategies/gp/GpStrategy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlopt.hpp>
#include <numeric>

#include "core/Error.h"
#include "core/Options.h"
#include "search/Enumerate.h"
#include "search/Halton.h"
#include "search/RngState.h"

namespace tunelab {

namespace {

Eigen::VectorXd toEigen(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

}  // namespace

GpStrategy::GpStrategy(const StrategyContext& context)
    : space_(*context.space),
      limit_(context.maxTrials.value_or(std::numeric_limits<std::size_t>::max())),
      seed_(context.seed),
      rng_(context.seed) {
  Options o(context.options, "gp strategy");
  initialTrials_ = static_cast<std::size_t>(o.integer("initial_trials", 10, {.min = 1}));
  acquisition_ = parseAcquisition(o.choice("acquisition", {"log_ei", "ei", "ucb", "pi"}, "log_ei"));
  kappa_ = o.number("kappa", 2.0, {.min = 0});
  candidates_ = static_cast<std::size_t>(o.integer("candidates", 1024, {.min = 16}));
  restarts_ = static_cast<int>(o.integer("restarts", 2, {.min = 0}));
  lag_ = static_cast<TrialId>(o.integer("lag", 1, {.min = 0}));
  o.finish();
  if (space_.dimensions() == 0)
    throw ConfigError("parameters", "gp needs at least one parameter to search");
  if (space_.finite()) {
    try {
      finiteSize_ = enumeratePoints(space_, "gp", 1'000'000).size();
      limit_ = std::min(limit_, *finiteSize_);
    } catch (const ConfigError&) {
    }
  } else if (!context.maxTrials) {
    throw ConfigError("max_trials", "gp search over a continuous space needs max_trials");
  }
  hyper_.logLengthScales.assign(space_.dimensions(), std::log(0.3));
}

std::vector<double> GpStrategy::initialPoint() {
  Rng shiftRng(seed_ ^ 0x68616c746f6eULL);  // same shift for the whole study
  const Halton halton(space_.dimensions(), shiftRng);
  return halton.point(haltonIndex_++);
}

bool GpStrategy::resultsKnownFor(TrialId id) {
  while (results_.contains(reportedPrefix_)) ++reportedPrefix_;
  return reportedPrefix_ >= id - lag_;
}

std::vector<double> GpStrategy::propose(TrialId id) {
  const std::size_t dims = space_.dimensions();
  // The results of trials 0 .. id-lag-1 (by trial number), and the constant liar for the
  // trials after them.
  std::vector<std::vector<double>> observedX;
  std::vector<double> observedY;
  std::vector<const std::vector<double>*> lied;
  for (const auto& [trial, point] : points_) {
    if (trial >= id) break;
    if (trial >= id - lag_) {
      lied.push_back(&point);
      continue;
    }
    const double value = results_.at(trial);
    if (std::isfinite(value)) {
      observedX.push_back(point);
      observedY.push_back(value);
    }
  }
  const std::size_t n = observedY.size();
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(dims));
  Eigen::VectorXd y(x.rows());
  for (std::size_t i = 0; i < n; ++i) {
    x.row(static_cast<Eigen::Index>(i)) = toEigen(observedX[i]).transpose();
    y[static_cast<Eigen::Index>(i)] = observedY[i];
  }
  GaussianProcess gp;
  // Random restarts guard against a poor optimum while data are few; with many observations
  // the previous hyperparameters are a good start and a refit from them suffices.
  gp.fit(x, y, hyper_, true, n < 100 ? restarts_ : 0, rng_);
  hyper_ = gp.hyperparameters();
  if (!lied.empty()) {
    // The trials whose results the choice must not see count as observed at the model's own
    // prediction (the kriging believer), so the next point is chosen elsewhere.
    Eigen::MatrixXd pending(static_cast<Eigen::Index>(lied.size()),
                            static_cast<Eigen::Index>(dims));
    for (std::size_t i = 0; i < lied.size(); ++i)
      pending.row(static_cast<Eigen::Index>(i)) = toEigen(*lied[i]).transpose();
    Eigen::VectorXd believed;
    Eigen::VectorXd ignored;
    gp.predictMany(pending, believed, ignored);
    Eigen::MatrixXd allX(x.rows() + pending.rows(), x.cols());
    allX << x, pending;
    Eigen::VectorXd allY(allX.rows());
    allY << y, believed;
    gp.fit(allX, allY, hyper_, false, 0, rng_);
  }
  const double best = *std::min_element(observedY.begin(), observedY.end());

  auto score = [&](const std::vector<double>& u) {
    double mean = 0.0;
    double variance = 0.0;
    gp.predict(toEigen(u), mean, variance);
    return acquisition(acquisition_, mean, std::sqrt(variance), best, kappa_);
  };
  // Quasi-random candidates over the cube, and some around the best observed points, scored
  // all at once.
  Rng candidateRng(rng_.nextU64());
  const Halton halton(dims, candidateRng);
  std::vector<std::vector<double>> candidates;
  for (std::size_t i = 0; i < candidates_; ++i) candidates.push_back(halton.point(i));
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](auto a, auto b) { return observedY[a] < observedY[b]; });
  for (std::size_t i = 0; i < std::min<std::size_t>(5, n); ++i) {
    for (int j = 0; j < 20; ++j) {
      auto u = observedX[order[i]];
      for (auto& v : u) v = std::clamp(v + 0.05 * candidateRng.normal(), 0.0, 1.0);
      candidates.push_back(std::move(u));
    }
  }
  Eigen::MatrixXd points(static_cast<Eigen::Index>(candidates.size()),
                         static_cast<Eigen::Index>(dims));
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    points.row(static_cast<Eigen::Index>(i)) = toEigen(candidates[i]).transpose();
  }
  Eigen::VectorXd means;
  Eigen::VectorXd variances;
  gp.predictMany(points, means, variances);
  std::vector<std::pair<double, std::vector<double>>> scored;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const auto at = static_cast<Eigen::Index>(i);
    scored.emplace_back(
        acquisition(acquisition_, means[at], std::sqrt(variances[at]), best, kappa_),
        std::move(candidates[i]));
  }
  std::sort(scored.begin(), scored.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  // Refine the best few locally (derivative-free, inside the cube).
  for (std::size_t i = 0; i < std::min<std::size_t>(3, scored.size()); ++i) {
    nlopt::opt local(nlopt::LN_BOBYQA, static_cast<unsigned>(dims));
    local.set_lower_bounds(std::vector<double>(dims, 0.0));
    local.set_upper_bounds(std::vector<double>(dims, 1.0));
    local.set_maxeval(40);
    local.set_initial_step(0.02);
    auto objective = [](const std::vector<double>& u, std::vector<double>& /*grad*/, void* f) {
      return (*static_cast<decltype(score)*>(f))(u);
    };
    local.set_max_objective(objective, &score);
    std::vector<double> u = scored[i].second;
    double value = scored[i].first;
    try {
      local.optimize(u, value);
      if (value > scored[i].first) scored.emplace_back(value, std::move(u));
    } catch (const std::exception&) {
    }
  }
  std::sort(scored.begin(), scored.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [value, u] : scored) {
    if (fresh(space_.decode(u))) return u;
  }
  // Every candidate maps onto a trial already proposed: a random point not yet proposed.
  for (int attempt = 0; attempt < 10000; ++attempt) {
    std::vector<double> u(dims);
    for (auto& v : u) v = rng_.uniformDouble();
    if (fresh(space_.decode(u))) return u;
  }
  return {};
}

AskResult GpStrategy::ask(std::size_t maxTrials) {
  AskResult result{AskResult::Kind::Ready, {}};
  for (std::size_t i = 0; i < maxTrials && static_cast<std::size_t>(nextId_) < limit_; ++i) {
    if (finiteSize_ && seen_.size() >= *finiteSize_) break;
    std::vector<double> u;
    if (static_cast<std::size_t>(nextId_) < initialTrials_) {
      u = freshInitialPoint();
    } else {
      if (!resultsKnownFor(nextId_)) break;
      std::size_t known = 0;
      for (const auto& [trial, value] : results_) {
        if (trial < nextId_ - lag_ && std::isfinite(value)) ++known;
      }
      u = known < 2 ? freshInitialPoint() : propose(nextId_);
    }
    if (u.empty()) break;
    nlohmann::json point = space_.decode(u);
    seen_.insert(point.dump());
    // The model sees the encoding of the trial actually run (bin centres for finite kinds).
    points_[nextId_] = space_.encode(point);
    result.trials.push_back({nextId_++, std::move(point), 0, std::nullopt});
  }
  if (!result.trials.empty()) return result;
  const bool done =
      static_cast<std::size_t>(nextId_) >= limit_ || (finiteSize_ && seen_.size() >= *finiteSize_);
  if (done) return {AskResult::Kind::Exhausted, {}};
  const bool running = results_.size() < points_.size();
  return {running ? AskResult::Kind::Wait : AskResult::Kind::Exhausted, {}};
}

std::vector<double> GpStrategy::freshInitialPoint() {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    auto candidate = initialPoint();
    if (fresh(space_.decode(candidate))) return candidate;
  }
  return {};
}

void GpStrategy::tell(const TrialOutcome& outcome) {
  if (!points_.contains(outcome.id) || results_.contains(outcome.id)) return;
  const bool usable = outcome.state != TrialOutcome::State::Failed && std::isfinite(outcome.value);
  results_[outcome.id] = usable ? outcome.value : std::numeric_limits<double>::quiet_NaN();
}

nlohmann::json GpStrategy::saveState() const {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& [id, u] : points_) points.push_back({{"id", id}, {"x", u}});
  nlohmann::json results = nlohmann::json::array();
  for (const auto& [id, value] : results_) {
    results.push_back({{"id", id}, {"y", std::isfinite(value) ? nlohmann::json(value) : nullptr}});
  }
  return {{"rng", rngStateToJson(rng_.state())},
          {"halton", haltonIndex_},
          {"next_id", nextId_},
          {"points", points},
          {"results", results},
          {"seen", seen_},
          {"hyper", hyper_.packed()}};
}

void GpStrategy::loadState(const nlohmann::json& state) {
  rng_.setState(rngStateFromJson(state.at("rng")));
  haltonIndex_ = state.at("halton").get<std::uint64_t>();
  nextId_ = state.at("next_id").get<TrialId>();
  points_.clear();
  for (const auto& p : state.at("points"))
    points_[p.at("id").get<TrialId>()] = p.at("x").get<std::vector<double>>();
  results_.clear();
  for (const auto& r : state.at("results")) {
    results_[r.at("id").get<TrialId>()] =
        r.at("y").is_number() ? r.at("y").get<double>() : std::numeric_limits<double>::quiet_NaN();
  }
  reportedPrefix_ = 0;
  seen_ = state.at("seen").get<std::set<std::string>>();
  hyper_ = GpHyperparameters::unpack(state.at("hyper").get<std::vector<double>>());
}

}  // namespace tunelab
