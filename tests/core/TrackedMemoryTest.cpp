// Per-trial memory: the float buffers a thread allocates are counted, and a meter reports the
// peak within its scope, whatever the thread held before and whatever other threads do.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tunelab
