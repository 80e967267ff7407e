#include "search/strategies/nsga2/Nsga2Strategy.h"

#include <algorithm>
#include <cmath>

#include "core/Options.h"
#include "search/Enumerate.h"
#include "search/PointSampler.h"
#include "search/TrialDiagnostics.h"

namespace tunelab {

namespace {

constexpr int kBreedAttempts = 10;

}  // namespace

Nsga2Strategy::Nsga2Strategy(const StrategyContext& context)
    : space_(*context.space), seed_(context.seed) {
  Options o(context.options, "nsga2 strategy");
  population_ = static_cast<std::size_t>(o.integer("population_size", 50, {.min = 2, .max = 1e6}));
  crossoverProb_ = o.number("crossover_prob", 0.9, {.min = 0, .max = 1});
  swappingProb_ = o.number("swapping_prob", 0.5, {.min = 0, .max = 1});
  const double d = static_cast<double>(std::max<std::size_t>(1, space_.dimensions()));
  mutationProb_ = o.number("mutation_prob", 1.0 / d, {.min = 0, .max = 1});
  o.finish();
  const TrialBudget budget = modelBasedBudget(space_, context.maxTrials, "nsga2");
  limit_ = budget.limit;
  finiteSize_ = budget.finiteSize;
}

std::size_t Nsga2Strategy::generationOf(TrialId id) const {
  return static_cast<std::size_t>(id) / population_;
}

bool Nsga2Strategy::generationReported(std::size_t generation) const {
  const auto first = static_cast<TrialId>(generation * population_);
  for (TrialId id = first; id < first + static_cast<TrialId>(population_); ++id) {
    if (!results_.contains(id)) return false;
  }
  return true;
}

// The elite of the previous generation's parents and its complete trials. Computed once per
// generation, when that generation has reported (results only ever grow, so it stays valid).
const std::vector<Individual>& Nsga2Strategy::parentsOf(std::size_t generation) {
  if (auto it = parents_.find(generation); it != parents_.end()) return it->second;
  std::vector<Individual> pool;
  if (generation >= 2) pool = parentsOf(generation - 1);
  const auto first = static_cast<TrialId>((generation - 1) * population_);
  for (TrialId id = first; id < first + static_cast<TrialId>(population_); ++id) {
    const auto& values = results_.at(id);
    if (!values.empty()) pool.push_back({id, values, 0, 0});
  }
  return parents_[generation] = selectElite(std::move(pool), population_);
}

nlohmann::json Nsga2Strategy::breed(const std::vector<Individual>& parents, Rng& rng) const {
  std::vector<double> child = space_.encode(points_.at(tournament(parents, rng).id));
  if (parents.size() > 1 && rng.uniformDouble() < crossoverProb_) {
    const std::vector<double> other = space_.encode(points_.at(tournament(parents, rng).id));
    for (std::size_t i = 0; i < child.size(); ++i) {
      if (rng.uniformDouble() < swappingProb_) child[i] = other[i];
    }
  }
  for (double& u : child) {
    if (rng.uniformDouble() < mutationProb_) u = rng.uniformDouble();
  }
  return space_.decode(child);
}

std::optional<nlohmann::json> Nsga2Strategy::randomFresh(Rng& rng) const {
  return drawUnseen(space_, seen_, finiteSize_.has_value(), rng, "nsga2");
}

std::optional<nlohmann::json> Nsga2Strategy::propose(TrialId id) {
  Rng rng = Rng::derive(seed_, static_cast<std::uint64_t>(id));
  const std::size_t generation = generationOf(id);
  if (generation == 0) return randomFresh(rng);
  const auto& parents = parentsOf(generation);
  if (parents.empty()) return randomFresh(rng);  // every trial of the last generation failed
  for (int attempt = 0; attempt < kBreedAttempts; ++attempt) {
    nlohmann::json child = breed(parents, rng);
    if (!seen_.contains(child.dump())) return child;
  }
  return randomFresh(rng);
}

AskResult Nsga2Strategy::ask(std::size_t maxTrials) {
  AskResult result{AskResult::Kind::Ready, {}};
  while (!exhausted_ && result.trials.size() < maxTrials &&
         static_cast<std::size_t>(nextId_) < limit_) {
    const std::size_t generation = generationOf(nextId_);
    if (generation > 0 && !generationReported(generation - 1)) break;
    std::optional<nlohmann::json> point = propose(nextId_);
    if (!point) {
      exhausted_ = true;  // nothing left to propose
      break;
    }
    seen_.insert(point->dump());
    diagnostics_.add(*point);
    points_[nextId_] = *point;
    result.trials.push_back({nextId_++, std::move(*point), 0, std::nullopt});
  }
  if (!result.trials.empty()) return result;
  if (exhausted_ || static_cast<std::size_t>(nextId_) >= limit_) {
    return {AskResult::Kind::Exhausted, {}};
  }
  return {AskResult::Kind::Wait, {}};
}

void Nsga2Strategy::tell(const TrialOutcome& outcome) {
  if (!points_.contains(outcome.id) || results_.contains(outcome.id)) return;
  std::vector<double> values =
      outcome.values.empty() ? std::vector<double>{outcome.value} : outcome.values;
  const bool usable =
      outcome.state == TrialOutcome::State::Complete &&
      std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
  results_[outcome.id] = usable ? std::move(values) : std::vector<double>{};
}

nlohmann::json Nsga2Strategy::saveState() const {
  nlohmann::json trials = nlohmann::json::array();
  for (const auto& [id, params] : points_) {
    nlohmann::json t{{"id", id}, {"params", params}};
    if (auto it = results_.find(id); it != results_.end()) t["values"] = it->second;
    trials.push_back(std::move(t));
  }
  return {{"next_id", nextId_},
          {"exhausted", exhausted_},
          {"trials", trials},
          {"diagnostics", diagnostics_.current().toJson()}};
}

void Nsga2Strategy::loadState(const nlohmann::json& state) {
  nextId_ = state.at("next_id").get<TrialId>();
  // max_trials may change between runs; a space found exhausted stays so.
  exhausted_ = state.at("exhausted").get<bool>();
  points_.clear();
  diagnostics_.clear();
  results_.clear();
  parents_.clear();
  seen_.clear();
  for (const auto& t : state.at("trials")) {
    const auto id = t.at("id").get<TrialId>();
    points_[id] = t.at("params");
    seen_.insert(t.at("params").dump());
    diagnostics_.add(t.at("params"));
    if (t.contains("values")) results_[id] = t.at("values").get<std::vector<double>>();
  }
}

}  // namespace tunelab
