#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/Export.h"

namespace tunelab {

/// A small, fast, seedable generator (xoshiro256**, seeded through splitmix64). One per trial;
/// there is no global generator. Its whole state can be saved and restored, so a resumed run
/// draws the same numbers as an uninterrupted one.
class TUNELAB_API Rng {
 public:
  struct State {
    std::array<std::uint64_t, 4> words{};
    bool operator==(const State&) const = default;
  };

  explicit Rng(std::uint64_t seed = 0);
  /// An independent stream for (seed, stream): trial seeds derive from (study seed, trial id).
  static Rng derive(std::uint64_t seed, std::uint64_t stream);

  std::uint64_t nextU64();
  /// Uniform in [0, 1) with 24 random bits.
  float uniform();
  /// Uniform in [0, 1) with 53 random bits.
  double uniformDouble();
  /// Standard normal (Box-Muller; draws two uniforms per call, no cached value).
  double normal();
  /// Uniform integer in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n);
  /// Fills `out` with random 16-bit words, four per draw (low bits first): one call per batch
  /// instead of one per element keeps the generator's state in registers.
  void fill16(std::span<std::uint16_t> out);
  /// Fisher-Yates shuffle.
  void shuffle(std::span<std::uint32_t> values);

  State state() const { return state_; }
  void setState(const State& s) { state_ = s; }

 private:
  State state_;
};

/// splitmix64 finaliser: a good 64-bit mix, used to derive seeds.
TUNELAB_API std::uint64_t mixSeed(std::uint64_t x);

}  // namespace tunelab
