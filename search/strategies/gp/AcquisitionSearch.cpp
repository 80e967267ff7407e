#include "search/strategies/gp/AcquisitionSearch.h"

#include <algorithm>
#include <cmath>
#include <nlopt.hpp>

#include "search/Halton.h"

namespace tunelab {

namespace {

constexpr std::size_t kRefined = 3;
constexpr std::size_t kNeighbourhoods = 5;

std::vector<const Parameter*> searchableParameters(const SearchSpace& space) {
  std::vector<const Parameter*> out;
  for (const auto& p : space.parameters()) {
    if (p.kind != Parameter::Kind::Constant) out.push_back(&p);
  }
  return out;
}

bool continuous(const Parameter& p) { return p.kind == Parameter::Kind::Float && p.step <= 0; }

std::vector<ScoredPoint> scoreAll(const CandidateScorer& scorer, std::vector<EncodedPoint> points) {
  const std::vector<double> scores = scorer.scoreTidied(points);
  std::vector<ScoredPoint> out;
  for (std::size_t i = 0; i < points.size(); ++i) out.push_back({scores[i], std::move(points[i])});
  return out;
}

void sortBest(std::vector<ScoredPoint>& points) {
  std::stable_sort(points.begin(), points.end(),
                   [](const auto& a, const auto& b) { return a.score > b.score; });
}

std::vector<EncodedPoint> initialCandidates(const SearchSpace& space,
                                            const std::vector<EncodedPoint>& incumbents,
                                            const SearchBox& box, std::size_t count, Rng& rng) {
  const auto params = searchableParameters(space);
  const Halton halton(params.size(), rng);
  std::vector<EncodedPoint> points;
  for (std::size_t i = 0; i < count; ++i) {
    std::vector<double> u = halton.point(i);
    for (std::size_t d = 0; d < u.size(); ++d) {
      if (continuous(*params[d])) u[d] = box.lower[d] + u[d] * (box.upper[d] - box.lower[d]);
    }
    points.push_back(tidyPoint(space, u));
  }
  for (const auto& incumbent : incumbents) {
    for (int j = 0; j < 20; ++j) {
      std::vector<double> u = incumbent.u;
      for (std::size_t d = 0; d < u.size(); ++d) {
        if (continuous(*params[d])) {
          u[d] = std::clamp(u[d] + 0.05 * rng.normal(), box.lower[d], box.upper[d]);
        } else if (rng.uniformDouble() < 0.2) {
          u[d] = rng.uniformDouble();
        }
      }
      points.push_back(tidyPoint(space, u));
    }
  }
  return points;
}

// BOBYQA over the continuous active coordinates of a point, the others held.
ScoredPoint refineContinuous(const CandidateScorer& scorer, const SearchBox& box,
                             const ScoredPoint& start) {
  const auto params = searchableParameters(scorer.space());
  std::vector<std::size_t> free;
  for (std::size_t d = 0; d < params.size(); ++d) {
    if (continuous(*params[d]) && start.point.active[d] > 0) free.push_back(d);
  }
  if (free.empty()) return start;
  struct Problem {
    const CandidateScorer* scorer;
    std::vector<double> u;
    const std::vector<std::size_t>* free;
  } problem{&scorer, start.point.u, &free};
  auto objective = [](const std::vector<double>& x, std::vector<double>& /*grad*/, void* data) {
    auto* p = static_cast<Problem*>(data);
    for (std::size_t i = 0; i < x.size(); ++i) p->u[(*p->free)[i]] = x[i];
    return p->scorer->score(p->u);
  };
  nlopt::opt local(free.size() >= 2 ? nlopt::LN_BOBYQA : nlopt::LN_COBYLA,
                   static_cast<unsigned>(free.size()));
  std::vector<double> lower;
  std::vector<double> upper;
  std::vector<double> x;
  for (std::size_t d : free) {
    lower.push_back(box.lower[d]);
    upper.push_back(box.upper[d]);
    x.push_back(std::clamp(start.point.u[d], box.lower[d], box.upper[d]));
  }
  local.set_lower_bounds(lower);
  local.set_upper_bounds(upper);
  local.set_maxeval(40);
  local.set_initial_step(0.05);
  local.set_max_objective(objective, &problem);
  double value = start.score;
  try {
    local.optimize(x, value);
  } catch (const std::exception&) {
    return start;  // round-off: keep what we had
  }
  if (!(value > start.score)) return start;
  std::vector<double> u = start.point.u;
  for (std::size_t i = 0; i < free.size(); ++i) u[free[i]] = x[i];
  return {value, tidyPoint(scorer.space(), u)};
}

}  // namespace

std::vector<EncodedPoint> discreteNeighbours(const SearchSpace& space, const EncodedPoint& point) {
  const auto params = searchableParameters(space);
  std::vector<EncodedPoint> out;
  for (std::size_t d = 0; d < params.size(); ++d) {
    const Parameter& p = *params[d];
    if (continuous(p) || point.active[d] <= 0) continue;
    const nlohmann::json value = p.decode(point.u[d]);
    std::vector<double> moves;
    if (p.kind == Parameter::Kind::Categorical) {
      for (const auto& other : p.values) {
        if (other != value) moves.push_back(p.encode(other));
      }
    } else {
      const double index = p.kind == Parameter::Kind::Int
                               ? value.get<double>() - p.min
                               : std::round((value.get<double>() - p.min) / p.step);
      for (double step : {-2.0, -1.0, 1.0, 2.0}) {
        const double i = index + step;
        if (i >= 0 && i < static_cast<double>(p.cardinality()))
          moves.push_back(p.encode(p.valueAt(static_cast<std::size_t>(i))));
      }
    }
    for (double m : moves) {
      std::vector<double> u = point.u;
      u[d] = m;
      out.push_back(tidyPoint(space, u));
    }
  }
  return out;
}

std::vector<ScoredPoint> searchAcquisition(const CandidateScorer& scorer,
                                           const std::vector<EncodedPoint>& incumbents,
                                           const SearchBox& box, std::size_t candidates, Rng& rng) {
  std::vector<ScoredPoint> scored =
      scoreAll(scorer, initialCandidates(scorer.space(), incumbents, box, candidates, rng));
  sortBest(scored);
  for (std::size_t i = 0; i < std::min(kRefined, scored.size()); ++i)
    scored.push_back(refineContinuous(scorer, box, scored[i]));
  sortBest(scored);
  for (int round = 0; round < 2; ++round) {
    std::vector<EncodedPoint> neighbours;
    for (std::size_t i = 0; i < std::min(kNeighbourhoods, scored.size()); ++i) {
      for (auto& n : discreteNeighbours(scorer.space(), scored[i].point))
        neighbours.push_back(std::move(n));
    }
    if (neighbours.empty()) break;
    for (auto& s : scoreAll(scorer, std::move(neighbours))) scored.push_back(std::move(s));
    sortBest(scored);
    scored.push_back(refineContinuous(scorer, box, scored.front()));
    sortBest(scored);
  }
  return scored;
}

}  // namespace tunelab
