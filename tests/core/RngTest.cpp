#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/Rng.h"

namespace tunelab {
namespace {

// What fill16 promises: the 16-bit pieces of successive draws, low bits first, a fresh draw
// for a tail of one to three words. Dropout masks come from it, so a study's bits do too.
std::vector<std::uint16_t> piecesOfDraws(Rng& rng, std::size_t count) {
  std::vector<std::uint16_t> words;
  while (words.size() < count) {
    std::uint64_t bits = rng.nextU64();
    for (int k = 0; k < 4 && words.size() < count; ++k, bits >>= 16U) {
      words.push_back(static_cast<std::uint16_t>(bits));
    }
  }
  return words;
}

TEST(Rng, Fill16GivesTheDrawsInSixteenBitPiecesLowBitsFirst) {
  for (std::size_t count : {0, 1, 2, 3, 4, 5, 7, 8, 13, 2048, 4099}) {
    Rng filled(42);
    Rng drawn(42);
    std::vector<std::uint16_t> words(count);
    filled.fill16(words);
    EXPECT_EQ(words, piecesOfDraws(drawn, count)) << count << " words";
    EXPECT_EQ(filled.state(), drawn.state()) << "after " << count << " words";
  }
}

TEST(Rng, Fill16ContinuesTheStreamAcrossCalls) {
  Rng filled(7);
  Rng drawn(7);
  std::vector<std::uint16_t> first(6);
  std::vector<std::uint16_t> second(9);
  filled.fill16(first);
  filled.fill16(second);
  EXPECT_EQ(first, piecesOfDraws(drawn, 6));
  EXPECT_EQ(second, piecesOfDraws(drawn, 9));
}

}  // namespace
}  // namespace tunelab
