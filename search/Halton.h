#pragma once

#include <cstdint>
#include <vector>

#include "core/Export.h"
#include "core/Rng.h"

namespace tunelab {

/// The Halton sequence in [0, 1)^d (one prime base per dimension), rotated by a random shift
/// per dimension (Cranley-Patterson) so that different seeds give different, equally even
/// designs. Quasi-random points fill the cube more evenly than random ones.
class TUNELAB_API Halton {
 public:
  Halton(std::size_t dimensions, Rng& rng);
  /// Point number `index` (0, 1, 2, ...).
  std::vector<double> point(std::uint64_t index) const;

 private:
  std::vector<double> shift_;
};

}  // namespace tunelab
