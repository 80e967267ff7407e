#include "search/Halton.h"

#include <array>
#include <cmath>

namespace tunelab {

namespace {

constexpr std::array<std::uint32_t, 32> kPrimes{2,  3,  5,  7,   11,  13,  17,  19,  23,  29, 31,
                                                37, 41, 43, 47,  53,  59,  61,  67,  71,  73, 79,
                                                83, 89, 97, 101, 103, 107, 109, 113, 127, 131};

double radicalInverse(std::uint64_t index, std::uint32_t base) {
  double result = 0.0;
  double fraction = 1.0 / base;
  while (index > 0) {
    result += static_cast<double>(index % base) * fraction;
    index /= base;
    fraction /= base;
  }
  return result;
}

}  // namespace

Halton::Halton(std::size_t dimensions, Rng& rng) : shift_(dimensions) {
  for (auto& s : shift_) s = rng.uniformDouble();
}

std::vector<double> Halton::point(std::uint64_t index) const {
  std::vector<double> u(shift_.size());
  for (std::size_t d = 0; d < u.size(); ++d) {
    // Beyond 32 dimensions the bases repeat with another shift: still even, less so.
    const double x = radicalInverse(index + 1, kPrimes[d % kPrimes.size()]) + shift_[d];
    u[d] = x - std::floor(x);
  }
  return u;
}

}  // namespace tunelab
