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

std::vector<double> GpStrategy::propose() {
  const std::size_t dims = space_.dimensions();
  // Observations plus the constant liar for every pending trial.
  const std::size_t n = observedY_.size();
  const double liar =
      std::accumulate(observedY_.begin(), observedY_.end(), 0.0) / static_cast<double>(n);
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n + pending_.size()),
                    static_cast<Eigen::Index>(dims));
  Eigen::VectorXd y(x.rows());
  Eigen::Index row = 0;
  for (std::size_t i = 0; i < n; ++i, ++row) {
    x.row(row) = toEigen(observedX_[i]).transpose();
    y[row] = observedY_[i];
  }
  for (const auto& [id, point] : pending_) {
    x.row(row) = toEigen(point).transpose();
    y[row++] = liar;
  }
  GaussianProcess gp;
  // Random restarts guard against a poor optimum while data are few; with many observations
  // the previous hyperparameters are a good start and a refit from them suffices.
  gp.fit(x, y, hyper_, true, n < 100 ? restarts_ : 0, rng_);
  hyper_ = gp.hyperparameters();
  const double best = *std::min_element(observedY_.begin(), observedY_.end());

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
            [&](auto a, auto b) { return observedY_[a] < observedY_[b]; });
  for (std::size_t i = 0; i < std::min<std::size_t>(5, n); ++i) {
    for (int j = 0; j < 20; ++j) {
      auto u = observedX_[order[i]];
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
    if (static_cast<std::size_t>(nextId_) < initialTrials_ || observedY_.size() < 2) {
      for (int attempt = 0; attempt < 1000 && u.empty(); ++attempt) {
        auto candidate = initialPoint();
        if (fresh(space_.decode(candidate))) u = std::move(candidate);
      }
    } else {
      u = propose();
    }
    if (u.empty()) break;
    nlohmann::json point = space_.decode(u);
    seen_.insert(point.dump());
    // The model sees the encoding of the trial actually run (bin centres for finite kinds).
    pending_[nextId_] = space_.encode(point);
    result.trials.push_back({nextId_++, std::move(point), 0, std::nullopt});
  }
  if (!result.trials.empty()) return result;
  const bool done =
      static_cast<std::size_t>(nextId_) >= limit_ || (finiteSize_ && seen_.size() >= *finiteSize_);
  if (done) return {AskResult::Kind::Exhausted, {}};
  return {pending_.empty() ? AskResult::Kind::Exhausted : AskResult::Kind::Wait, {}};
}

void GpStrategy::tell(const TrialOutcome& outcome) {
  auto it = pending_.find(outcome.id);
  if (it == pending_.end()) return;
  if (outcome.state != TrialOutcome::State::Failed && std::isfinite(outcome.value)) {
    observedX_.push_back(it->second);
    observedY_.push_back(outcome.value);
  }
  pending_.erase(it);
}

nlohmann::json GpStrategy::saveState() const {
  nlohmann::json pending = nlohmann::json::array();
  for (const auto& [id, u] : pending_) pending.push_back({{"id", id}, {"x", u}});
  return {{"rng", rngStateToJson(rng_.state())},
          {"halton", haltonIndex_},
          {"next_id", nextId_},
          {"pending", pending},
          {"x", observedX_},
          {"y", observedY_},
          {"seen", seen_},
          {"hyper", hyper_.packed()}};
}

void GpStrategy::loadState(const nlohmann::json& state) {
  rng_.setState(rngStateFromJson(state.at("rng")));
  haltonIndex_ = state.at("halton").get<std::uint64_t>();
  nextId_ = state.at("next_id").get<TrialId>();
  pending_.clear();
  for (const auto& p : state.at("pending"))
    pending_[p.at("id").get<TrialId>()] = p.at("x").get<std::vector<double>>();
  observedX_ = state.at("x").get<std::vector<std::vector<double>>>();
  observedY_ = state.at("y").get<std::vector<double>>();
  seen_ = state.at("seen").get<std::set<std::string>>();
  hyper_ = GpHyperparameters::unpack(state.at("hyper").get<std::vector<double>>());
}

}  // namespace tunelab
