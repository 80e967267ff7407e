#include "core/Rng.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <numbers>
#include <utility>

namespace tunelab {

std::uint64_t mixSeed(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

Rng::Rng(std::uint64_t seed) {
  std::uint64_t s = seed;
  for (auto& w : state_.words) {
    s += 0x9E3779B97F4A7C15ULL;
    w = mixSeed(s);
  }
}

Rng Rng::derive(std::uint64_t seed, std::uint64_t stream) {
  return Rng(mixSeed(seed) ^ mixSeed(stream * 0xD1B54A32D192ED03ULL + 1));
}

namespace {
__extension__ using Uint128 = unsigned __int128;

constexpr std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << static_cast<unsigned>(k)) | (x >> static_cast<unsigned>(64 - k));
}
}  // namespace

std::uint64_t Rng::nextU64() {
  auto& s = state_.words;
  const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
  const std::uint64_t t = s[1] << 17U;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

void Rng::fill16(std::span<std::uint16_t> out) {
  // A local generator: the stores to `out` cannot alias it, so its state stays in registers.
  Rng local = *this;
  std::size_t i = 0;
  if constexpr (std::endian::native == std::endian::little) {
#pragma GCC unroll 4
    for (; i + 4 <= out.size(); i += 4) {
      const std::uint64_t bits = local.nextU64();
      std::memcpy(out.data() + i, &bits, sizeof bits);  // the four words in one store
    }
  }
  std::uint64_t bits = 0;
  for (std::size_t left = 0; i < out.size(); ++i, --left, bits >>= 16U) {
    if (left == 0) {
      bits = local.nextU64();
      left = 4;
    }
    out[i] = static_cast<std::uint16_t>(bits);
  }
  state_ = local.state_;
}

float Rng::uniform() { return static_cast<float>(nextU64() >> 40U) * 0x1.0p-24F; }

double Rng::uniformDouble() { return static_cast<double>(nextU64() >> 11U) * 0x1.0p-53; }

double Rng::normal() {
  double u1 = uniformDouble();
  const double u2 = uniformDouble();
  if (u1 <= 0.0) u1 = 0x1.0p-53;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::uint64_t Rng::below(std::uint64_t n) {
  // Lemire's nearly divisionless method: unbiased.
  Uint128 m = static_cast<Uint128>(nextU64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<Uint128>(nextU64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64U);
}

void Rng::shuffle(std::span<std::uint32_t> values) {
  for (std::size_t i = values.size(); i > 1; --i) {
    std::swap(values[i - 1], values[below(i)]);
  }
}

}  // namespace tunelab
