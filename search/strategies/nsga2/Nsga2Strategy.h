#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/Rng.h"
#include "search/Strategy.h"
#include "search/TrialDiagnostics.h"
#include "search/strategies/nsga2/EliteSelection.h"

namespace tunelab {

/// NSGA-II (search.nsga2; Optuna's NSGAIISampler is the anchor), for one or several objectives:
///   population_size: 50    trials per generation
///   crossover_prob: 0.9    a child mixes two parents (else it copies one)
///   swapping_prob: 0.5     uniform crossover: each parameter from the second parent
///   mutation_prob: 1 / d   each parameter drawn afresh (d: parameters searched)
/// Generation 0 is random. Generation g's parents are the elite (non-dominated rank, then
/// crowding distance) of generation g-1's parents and its complete trials; each child comes from
/// parents picked by binary tournaments, crossed over and mutated in the encoded unit cube (log
/// scale where declared). Trial k belongs to generation k / population_size and is drawn from
/// its own random stream, and a generation starts once the previous one has reported, so a
/// study gives the same trials however many run at once. No point is proposed twice (a child
/// already tried is bred again, then drawn at random); a finite space ends when every point ran,
/// a continuous one needs max_trials.
class Nsga2Strategy final : public Strategy {
 public:
  explicit Nsga2Strategy(const StrategyContext& context);
  AskResult ask(std::size_t maxTrials) override;
  void tell(const TrialOutcome& outcome) override;
  nlohmann::json saveState() const override;
  void loadState(const nlohmann::json& state) override;
  bool searchesSeveralObjectives() const override { return true; }

 private:
  std::size_t generationOf(TrialId id) const;
  bool generationReported(std::size_t generation) const;
  const std::vector<Individual>& parentsOf(std::size_t generation);
  std::optional<nlohmann::json> propose(TrialId id);
  nlohmann::json breed(const std::vector<Individual>& parents, Rng& rng) const;
  std::optional<nlohmann::json> randomFresh(Rng& rng) const;

  const SearchSpace& space_;
  std::uint64_t seed_;
  std::size_t population_;
  double crossoverProb_;
  double swappingProb_;
  double mutationProb_;
  std::size_t limit_ = 0;
  std::optional<std::size_t> finiteSize_;

  bool exhausted_ = false;  // a finite space with every point proposed
  TrialId nextId_ = 0;
  TrialDiagnosticsTally diagnostics_{space_};               // of points_
  std::map<TrialId, nlohmann::json> points_;                // every trial proposed
  std::map<TrialId, std::vector<double>> results_;          // reported; empty: failed or pruned
  std::map<std::size_t, std::vector<Individual>> parents_;  // by generation, derived
  std::set<std::string> seen_;
};

}  // namespace tunelab
