#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/Export.h"
#include "core/Rng.h"
#include "search/SearchSpace.h"

namespace tunelab {

/// Draws points of a space, never the same one twice: a finite space without replacement
/// (every point once, then no more), a continuous one uniformly in the encoded cube. The
/// random and Hyperband strategies start their configurations with it.
class TUNELAB_API PointSampler {
 public:
  /// Lists a finite space's points up front; `strategy` names the caller in errors.
  PointSampler(const SearchSpace& space, const std::string& strategy);

  /// The next point, or nothing when a finite space is exhausted (or, in a continuous space,
  /// 10,000 draws in a row repeated points already drawn).
  std::optional<nlohmann::json> draw(Rng& rng);
  /// The number of points of a finite space; nothing for a continuous one.
  std::optional<std::size_t> size() const { return size_; }

  /// Adds this sampler's state to a strategy's saved state ("remaining", "seen").
  void saveState(nlohmann::json& state) const;
  void loadState(const nlohmann::json& state);

 private:
  const SearchSpace& space_;
  std::optional<std::size_t> size_;
  std::vector<nlohmann::json> remaining_;  // finite: the points not drawn yet
  std::set<std::string> seen_;             // continuous: the points drawn
};

/// A random point whose JSON text is not in `seen`: up to 1,000 draws, then, in a finite space,
/// one of the points not seen yet (`strategy` names the caller in errors); nothing when every
/// point was seen. The model-based strategies (tpe, nsga2) start and fall back with it.
TUNELAB_API std::optional<nlohmann::json> drawUnseen(const SearchSpace& space,
                                                     const std::set<std::string>& seen, bool finite,
                                                     Rng& rng, const std::string& strategy);

}  // namespace tunelab
