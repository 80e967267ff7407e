// Per-trial memory: the float buffers a thread allocates are counted, and a meter reports the
// peak within its scope, whatever the thread held before and whatever other threads do.
#include <gtest/gtest.h>

#include <cstdint>
#include <thread>

#include "core/Matrix.h"
#include "core/TrackedMemory.h"

namespace tunelab {
namespace {

TEST(TrackedMemory, MeterReportsThePeakOfItsScopeOnly) {
  const Matrix before(100, 100);  // held before the meter: not counted
  std::int64_t peak = 0;
  {
    const MemoryMeter meter;
    {
      const Matrix big(1000, 250);  // 1,000,000 bytes
      Matrix small(10, 10);
      small.resize(20, 10);
    }
    const Matrix after(10, 10);
    peak = meter.peakBytes();
  }
  EXPECT_GE(peak, 1'000'000 + 400);
  EXPECT_LE(peak, 1'000'000 + 400 + 800 + 400);
}

TEST(TrackedMemory, OtherThreadsDoNotCount) {
  const MemoryMeter meter;
  std::thread other([] { const Matrix big(1000, 1000); });
  other.join();
  const Matrix mine(10, 10);
  EXPECT_EQ(meter.peakBytes(), 400);
}

// Loops that stream several buffers (Adam reads four) run at a third of their speed when their
// vectors straddle cache lines: every buffer starts on one, whatever its size.
TEST(TrackedMemory, EveryBufferStartsOnACacheLine) {
  for (const std::size_t n : {1, 10, 17, 4929, 100'000}) {
    const FloatBuffer buffer(n);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(buffer.data()) % kBufferAlignment, 0U) << n;
    const Matrix m(n, 3);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(m.data()) % kBufferAlignment, 0U) << n;
  }
}

}  // namespace
}  // namespace tunelab
