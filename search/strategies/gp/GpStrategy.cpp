#include "search/strategies/gp/GpStrategy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/Error.h"
#include "core/Options.h"
#include "search/Enumerate.h"
#include "search/Halton.h"
#include "search/RngState.h"
#include "search/TrialDiagnostics.h"
#include "search/strategies/gp/AcquisitionSearch.h"
#include "search/strategies/gp/OutputWarp.h"

namespace tunelab {

namespace {

constexpr std::size_t kIncumbents = 5;

long long defaultInitialTrials(const SearchSpace& space) {
  return std::clamp<long long>(2 * (static_cast<long long>(space.dimensions()) + 1), 6, 20);
}

}  // namespace

GpStrategy::GpStrategy(const StrategyContext& context)
    : space_(*context.space),
      seed_(context.seed),
      rng_(context.seed),
      model_(categoricalDimensions(*context.space)) {
  Options o(context.options, "gp strategy");
  initialTrials_ = static_cast<std::size_t>(
      o.integer("initial_trials", defaultInitialTrials(space_), {.min = 1}));
  acquisition_ = parseAcquisition(o.choice("acquisition", {"log_ei", "ei", "ucb", "pi"}, "log_ei"));
  kappa_ = o.number("kappa", 2.0, {.min = 0});
  candidates_ = static_cast<std::size_t>(o.integer("candidates", 1024, {.min = 16, .max = 1e6}));
  restarts_ = static_cast<int>(o.integer("restarts", 2, {.min = 0, .max = 100}));
  refitGrowth_ = o.number("refit_growth", 0.1, {.min = 0, .max = 100});
  warp_ = o.boolean("output_warping", true);
  trustRegion_ = o.boolean("trust_region", true);
  lag_ = static_cast<TrialId>(o.integer("lag", defaultLag(context), {.min = 0}));
  o.finish();
  const TrialBudget budget = modelBasedBudget(space_, context.maxTrials, "gp");
  limit_ = budget.limit;
  finiteSize_ = budget.finiteSize;
  hyper_.logLengthScales.assign(space_.dimensions(), 0.0);
}

// A list's values come in equal shares (so every branch of a conditional space is tried):
// each block of K points takes the K values once, in an order drawn for that list and block.
// Giving every list value i mod K instead tied the lists to each other and to the Halton
// dimension of base K: only lcm(K1, K2, ...) different points existed (6 of magic_gp.yaml's
// 54), and the study ended there.
std::vector<double> GpStrategy::initialPoint() {
  Rng shiftRng(seed_ ^ 0x68616c746f6eULL);  // the same shift for the whole study
  const Halton halton(space_.dimensions(), shiftRng);
  const std::uint64_t index = haltonIndex_++;
  std::vector<double> u = halton.point(index);
  std::size_t d = 0;
  for (const auto& p : space_.parameters()) {
    if (p.kind == Parameter::Kind::Constant) continue;
    if (p.kind == Parameter::Kind::Categorical) {
      const auto k = static_cast<std::uint32_t>(p.values.size());
      Rng orderRng(seed_ ^ (0x9e3779b97f4a7c15ULL * (d + 1)) ^ (index / k) * 0xbf58476d1ce4e5b9ULL);
      std::vector<std::uint32_t> order(k);
      std::iota(order.begin(), order.end(), 0U);
      orderRng.shuffle(order);
      u[d] = (static_cast<double>(order[index % k]) + 0.5) / static_cast<double>(k);
    }
    ++d;
  }
  return u;
}

bool GpStrategy::resultsKnownFor(TrialId id) {
  while (results_.contains(reportedPrefix_)) ++reportedPrefix_;
  return reportedPrefix_ >= id - lag_;
}

bool GpStrategy::nearAProposedTrial(const nlohmann::json& point) const {
  return std::any_of(proposed_.begin(), proposed_.end(),
                     [&](const nlohmann::json& p) { return nearDuplicate(space_, p, point); });
}

bool GpStrategy::refitDue(std::size_t observations) const {
  if (refitGrowth_ == 0.0 || hyperFittedOn_ == 0 || observations < hyperFittedOn_) return true;
  const auto growth = static_cast<std::size_t>(refitGrowth_ * static_cast<double>(hyperFittedOn_));
  return observations >= hyperFittedOn_ + std::max<std::size_t>(1, growth);
}

bool GpStrategy::fitModel(TrialId id, double& best, std::vector<EncodedPoint>& incumbents) {
  // The results of trials 0 .. id-lag-1 (by trial number); the trials after them are believed.
  std::vector<EncodedPoint> observed;
  std::vector<double> values;
  std::vector<EncodedPoint> lied;
  for (const auto& [trial, point] : points_) {
    if (trial >= id) break;
    if (trial >= id - lag_) {
      lied.push_back(point);
    } else if (const double value = results_.at(trial); std::isfinite(value)) {
      observed.push_back(point);
      values.push_back(value);
    }
  }
  if (observed.size() < 2) return false;
  Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(values.data(), Eigen::Index(values.size()));
  if (warp_) y = warpTargets(y);
  if (refitDue(observed.size())) {
    // Random restarts guard against a poor optimum while data are few; with many observations
    // the previous hyperparameters are a good start and a refit from them suffices.
    model_.fit(toGpPoints(observed), y, hyper_, true, observed.size() < 100 ? restarts_ : 0, rng_);
    hyper_ = model_.hyperparameters();
    hyperFittedOn_ = observed.size();
  } else {
    model_.setHyperparameters(hyper_);
    model_.condition(toGpPoints(observed), y);
  }
  best = y.minCoeff();
  std::vector<std::size_t> order(observed.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](auto a, auto b) { return y[Eigen::Index(a)] < y[Eigen::Index(b)]; });
  for (std::size_t i = 0; i < std::min(kIncumbents, order.size()); ++i)
    incumbents.push_back(observed[order[i]]);
  if (!lied.empty()) {
    // The trials whose results the choice must not see count as observed at the model's own
    // prediction (the kriging believer), so the next point is chosen elsewhere.
    Eigen::VectorXd believed;
    Eigen::VectorXd ignored;
    model_.predictMany(toGpPoints(lied), believed, ignored);
    observed.insert(observed.end(), lied.begin(), lied.end());
    Eigen::VectorXd all(y.size() + believed.size());
    all << y, believed;
    model_.condition(toGpPoints(observed), all);
  }
  return true;
}

SearchBox GpStrategy::trustRegion(TrialId id, const EncodedPoint& centre) const {
  const std::size_t dims = space_.dimensions();
  if (!trustRegion_) return SearchBox::cube(dims);
  const int patience = std::max(4, static_cast<int>(dims));
  double side = 0.8;
  int successes = 0;
  int failures = 0;
  bool restart = false;
  double best = std::numeric_limits<double>::infinity();
  for (const auto& [trial, value] : results_) {
    if (trial >= id - lag_) break;
    if (!std::isfinite(value)) continue;
    const bool improved = value < best - 1e-3 * std::abs(best);
    best = std::min(best, value);
    if (static_cast<std::size_t>(trial) < initialTrials_) continue;
    restart = false;
    successes = improved ? successes + 1 : 0;
    failures = improved ? 0 : failures + 1;
    if (successes >= 3) {
      side = std::min(2 * side, 1.6);
      successes = 0;
    }
    if (failures >= patience) {
      side /= 2;
      failures = 0;
    }
    if (side < 1.0 / 64) {
      side = 0.8;
      restart = true;
    }
  }
  if (restart) return SearchBox::cube(dims);
  SearchBox box = SearchBox::cube(dims);
  for (std::size_t d = 0; d < dims; ++d) {
    box.lower[d] = std::max(0.0, centre.u[d] - side / 2);
    box.upper[d] = std::min(1.0, centre.u[d] + side / 2);
  }
  return box;
}

std::vector<double> GpStrategy::propose(TrialId id) {
  double best = 0.0;
  std::vector<EncodedPoint> incumbents;
  if (!fitModel(id, best, incumbents)) return freshInitialPoint();
  const CandidateScorer scorer(space_, model_, acquisition_, best, kappa_);
  Rng candidateRng(rng_.nextU64());
  const SearchBox box = trustRegion(id, incumbents.front());
  for (const auto& candidate :
       searchAcquisition(scorer, incumbents, box, candidates_, candidateRng)) {
    const nlohmann::json point = space_.decode(candidate.point.u);
    if (fresh(point) && !nearAProposedTrial(point)) return candidate.point.u;
  }
  // Every candidate maps onto (or next to) a trial already proposed: a random point instead.
  for (int attempt = 0; attempt < 10000; ++attempt) {
    std::vector<double> u(space_.dimensions());
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
      u = propose(nextId_);
    }
    if (u.empty()) break;
    nlohmann::json point = space_.decode(u);
    seen_.insert(point.dump());
    // The model sees the encoding of the trial actually run (bin centres for finite kinds).
    points_[nextId_] = encodeTrial(space_, point);
    proposed_.push_back(point);
    diagnostics_.add(point);
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
  for (const auto& [id, p] : points_)
    points.push_back({{"id", id}, {"x", p.u}, {"active", p.active}});
  nlohmann::json results = nlohmann::json::array();
  for (const auto& [id, value] : results_) {
    results.push_back({{"id", id}, {"y", std::isfinite(value) ? nlohmann::json(value) : nullptr}});
  }
  return {{"rng", rngStateToJson(rng_.state())},
          {"halton", haltonIndex_},
          {"next_id", nextId_},
          {"points", points},
          {"proposed", proposed_},
          {"results", results},
          {"seen", seen_},
          {"hyper", hyper_.packed()},
          {"hyper_fitted_on", hyperFittedOn_},
          {"diagnostics", diagnostics_.current().toJson()}};
}

void GpStrategy::loadState(const nlohmann::json& state) {
  rng_.setState(rngStateFromJson(state.at("rng")));
  haltonIndex_ = state.at("halton").get<std::uint64_t>();
  nextId_ = state.at("next_id").get<TrialId>();
  points_.clear();
  for (const auto& p : state.at("points")) {
    EncodedPoint point{p.at("x").get<std::vector<double>>(), {}};
    point.active = p.contains("active") ? p.at("active").get<std::vector<double>>()
                                        : std::vector<double>(point.u.size(), 1.0);
    points_[p.at("id").get<TrialId>()] = std::move(point);
  }
  proposed_.clear();
  if (state.contains("proposed")) {
    proposed_ = state.at("proposed").get<std::vector<nlohmann::json>>();
  } else {
    for (const auto& [id, p] : points_) proposed_.push_back(space_.decode(p.u));
  }
  diagnostics_.clear();
  for (const auto& point : proposed_) diagnostics_.add(point);
  results_.clear();
  for (const auto& r : state.at("results")) {
    results_[r.at("id").get<TrialId>()] =
        r.at("y").is_number() ? r.at("y").get<double>() : std::numeric_limits<double>::quiet_NaN();
  }
  reportedPrefix_ = 0;
  seen_ = state.at("seen").get<std::set<std::string>>();
  hyper_ = GpHyperparameters::unpack(state.at("hyper").get<std::vector<double>>());
  // A state saved before the refit schedule: refit at the next ask, as it then did.
  hyperFittedOn_ = state.value("hyper_fitted_on", std::size_t{0});
}

}  // namespace tunelab
